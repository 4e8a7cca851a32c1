import { pbkdf2Sync } from "node:crypto";
import { bytesToHex } from "viem";
import { HDKey, hdKeyToAccount } from "viem/accounts";

export interface DevnetAccount {
  address: `0x${string}`;
  privateKey: `0x${string}`;
}

/**
 * Derives `count` accounts on m/44'/60'/0'/0/i, the same keys as viem's
 * `mnemonicToAccount` (and hardhat/anvil). The BIP-39 seed is computed once with
 * node:crypto: viem's per-account derivation recomputes the 2048-round PBKDF2 in
 * JavaScript each time, which cost ~15 ms per account at startup.
 */
export function deriveAccounts(mnemonic: string, count: number): DevnetAccount[] {
  const seed = pbkdf2Sync(mnemonic.normalize("NFKD"), "mnemonic", 2048, 64, "sha512");
  const root = HDKey.fromMasterSeed(seed);
  const accounts: DevnetAccount[] = [];
  for (let index = 0; index < count; index++) {
    const account = hdKeyToAccount(root, { addressIndex: index });
    const key = account.getHdKey().privateKey;
    if (key === null) throw new Error(`HD derivation produced no private key for index ${index}`);
    accounts.push({ address: account.address, privateKey: bytesToHex(key) });
  }
  return accounts;
}
