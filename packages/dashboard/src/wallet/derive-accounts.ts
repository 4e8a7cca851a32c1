/**
 * The devnet's accounts (m/44'/60'/0'/0/i, as the devnet funds them), derived
 * on the server. The accounts sign locally; their keys are only used for
 * redaction and never leave this process.
 */
import { pbkdf2Sync } from "node:crypto";
import { bytesToHex, type LocalAccount } from "viem";
import { HDKey, hdKeyToAccount } from "viem/accounts";

export interface WalletAccounts {
  accounts: readonly LocalAccount[];
  /** For the redactor only. */
  privateKeys: readonly string[];
}

export function deriveWalletAccounts(mnemonic: string, count: number): WalletAccounts {
  // One BIP-39 seed for all accounts: viem's mnemonicToAccount recomputes PBKDF2 per account.
  const seed = pbkdf2Sync(mnemonic.normalize("NFKD"), "mnemonic", 2048, 64, "sha512");
  const root = HDKey.fromMasterSeed(seed);
  const accounts: LocalAccount[] = [];
  const privateKeys: string[] = [];
  for (let index = 0; index < count; index++) {
    const account = hdKeyToAccount(root, { addressIndex: index });
    const key = account.getHdKey().privateKey;
    if (key !== null) privateKeys.push(bytesToHex(key));
    accounts.push(account);
  }
  return { accounts, privateKeys };
}
