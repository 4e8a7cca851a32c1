/**
 * The devnet's accounts (m/44'/60'/0'/0/i, as the devnet funds them), derived on the server
 * with the devnet's own derivation. The keys sign locally and never leave this process.
 */
import { type DevnetAccount, deriveAccounts } from "@cryptokube/core/eth";

export type WalletAccount = DevnetAccount;

export interface WalletAccounts {
  accounts: readonly WalletAccount[];
  /** For the redactor only. */
  privateKeys: readonly string[];
}

export function deriveWalletAccounts(mnemonic: string, count: number): WalletAccounts {
  const accounts = deriveAccounts(mnemonic, count);
  return { accounts, privateKeys: accounts.map((account) => account.privateKey) };
}
