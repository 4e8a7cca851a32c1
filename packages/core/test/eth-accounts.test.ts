import assert from "node:assert/strict";
import { test } from "node:test";
import { bytesToHex } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { deriveAccounts, etherToWei } from "../src/eth/index.ts";

const MNEMONICS = [
  "test test test test test test test test test test test junk",
  "legal winner thank year wave sausage worth useful legal winner thank yellow",
  "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
];

test("devnet accounts are the keys and addresses viem's mnemonicToAccount derives (m/44'/60'/0'/0/i)", () => {
  for (const mnemonic of MNEMONICS) {
    const derived = deriveAccounts(mnemonic, 12);
    assert.equal(derived.length, 12);
    for (const [index, account] of derived.entries()) {
      const expected = mnemonicToAccount(mnemonic, { addressIndex: index });
      assert.equal(account.address, expected.address, `${mnemonic.slice(0, 12)}… #${index}`);
      assert.equal(account.privateKey, bytesToHex(expected.getHdKey().privateKey!));
    }
  }
});

test("ether amounts convert to wei exactly, and amounts wei cannot hold are refused", () => {
  assert.equal(etherToWei(10000), 10_000n * 10n ** 18n);
  assert.equal(etherToWei(0.1), 10n ** 17n);
  assert.equal(etherToWei(1.5), 15n * 10n ** 17n);
  assert.equal(etherToWei(0), 0n);
  assert.throws(() => etherToWei(1e-19), /no exact value in wei/);
});
