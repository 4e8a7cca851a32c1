// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// Records the IPFS CID of the content the hello-dapp serves.
contract CidRegistry {
    string private current;

    event CidRecorded(address indexed by, string cid);

    function record(string calldata cid) external {
        current = cid;
        emit CidRecorded(msg.sender, cid);
    }

    function cid() external view returns (string memory) {
        return current;
    }
}
