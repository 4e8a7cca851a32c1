// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// A tiny ERC20-like token for the indexer's tests and benchmark.
contract Token {
    event Transfer(address indexed from, address indexed to, uint256 value);
    /// Deliberately left out of the ABI the tests register: an "unknown signature".
    event Mystery(uint256 indexed tag, bytes data);

    mapping(address => uint256) public balanceOf;

    constructor(uint256 supply) {
        balanceOf[msg.sender] = supply;
        emit Transfer(address(0), msg.sender, supply);
    }

    function transfer(address to, uint256 value) external returns (bool) {
        require(balanceOf[msg.sender] >= value, "balance");
        balanceOf[msg.sender] -= value;
        balanceOf[to] += value;
        emit Transfer(msg.sender, to, value);
        return true;
    }

    /// One Transfer log per recipient: dense logs for the backfill benchmark.
    function transferMany(address[] calldata to, uint256 value) external {
        uint256 total = value * to.length;
        require(balanceOf[msg.sender] >= total, "balance");
        balanceOf[msg.sender] -= total;
        for (uint256 i = 0; i < to.length; i++) {
            balanceOf[to[i]] += value;
            emit Transfer(msg.sender, to[i], value);
        }
    }

    function poke(uint256 tag) external {
        emit Mystery(tag, abi.encodePacked(tag));
    }
}
