/**
 * Wallet actions on the devnet: balances, send ETH, the faucet, and calls or
 * transactions against registered contracts. Transactions are signed here with
 * the derived accounts and sent as raw transactions through the chain RPC; they
 * run one at a time so two sends from one account never race for a nonce.
 */
import type { DevnetAccount } from "@cryptokube/core/eth";
import type { Logger } from "pino";
import {
  type AbiFunction,
  BaseError,
  type Chain,
  createPublicClient,
  createWalletClient,
  encodeFunctionData,
  type Hex,
  http,
  type LocalAccount,
  type PublicClient,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { HttpError } from "../http/http-error.ts";

export interface WalletAccountView {
  index: number;
  address: `0x${string}`;
  balance: bigint;
}

export interface Wallet {
  readonly faucet: boolean;
  readonly accountCount: number;
  balances(): Promise<WalletAccountView[]>;
  send(from: number, to: `0x${string}`, value: bigint): Promise<Hex>;
  /** Pays `value` from the last devnet account (the faucet's reserve). */
  drip(to: `0x${string}`, value: bigint): Promise<Hex>;
  call(address: `0x${string}`, fn: AbiFunction, args: unknown[]): Promise<unknown>;
  transact(
    from: number,
    address: `0x${string}`,
    fn: AbiFunction,
    args: unknown[],
    value: bigint,
  ): Promise<Hex>;
}

export interface WalletOptions {
  rpc: string;
  chainId: number | undefined;
  chainName: string;
  accounts: readonly DevnetAccount[];
  faucet: boolean;
  logger: Logger;
  receiptTimeoutMs?: number;
}

export function createWallet(options: WalletOptions): Wallet {
  const transport = http(options.rpc, { timeout: 15_000, retryCount: 0 });
  const client: PublicClient = createPublicClient({ transport });
  let chain: Promise<Chain> | undefined;
  let queue: Promise<unknown> = Promise.resolve();

  const chainOf = (): Promise<Chain> => {
    chain ??= (async () => {
      const id = options.chainId ?? (await client.getChainId());
      return {
        id,
        name: options.chainName,
        nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
        rpcUrls: { default: { http: [options.rpc] } },
      };
    })().catch((error: unknown) => {
      chain = undefined;
      throw error;
    });
    return chain;
  };

  // Signing accounts are made on first use: their setup is curve arithmetic in JavaScript.
  const signers = new Map<number, LocalAccount>();
  const accountAt = (index: number): LocalAccount => {
    const account = options.accounts[index];
    if (account === undefined) {
      throw new HttpError(400, "Bad request", `there is no wallet account ${index}`);
    }
    let signer = signers.get(index);
    if (signer === undefined) {
      signer = privateKeyToAccount(account.privateKey);
      signers.set(index, signer);
    }
    return signer;
  };

  /** One chain write at a time; the receipt is awaited so the next nonce is settled. */
  function serialized(what: string, work: () => Promise<Hex>): Promise<Hex> {
    const run = queue.then(async () => {
      try {
        const hash = await work();
        await client.waitForTransactionReceipt({
          hash,
          timeout: options.receiptTimeoutMs ?? 30_000,
        });
        options.logger.info({ action: what, tx: hash }, "wallet transaction mined");
        return hash;
      } catch (error) {
        throw chainError(what, error);
      }
    });
    queue = run.catch(() => undefined);
    return run;
  }

  async function sendValue(from: LocalAccount, to: `0x${string}`, value: bigint, what: string) {
    return serialized(what, async () => {
      const wallet = createWalletClient({ account: from, chain: await chainOf(), transport });
      return wallet.sendTransaction({ to, value });
    });
  }

  return {
    faucet: options.faucet,
    accountCount: options.accounts.length,
    async balances() {
      try {
        return await Promise.all(
          options.accounts.map(async (account, index) => ({
            index,
            address: account.address,
            balance: await client.getBalance({ address: account.address }),
          })),
        );
      } catch (error) {
        throw chainError("read balances", error);
      }
    },
    send(from, to, value) {
      return sendValue(accountAt(from), to, value, "send");
    },
    drip(to, value) {
      return sendValue(accountAt(options.accounts.length - 1), to, value, "faucet");
    },
    async call(address, fn, args) {
      try {
        return await client.readContract({ address, abi: [fn], functionName: fn.name, args });
      } catch (error) {
        throw chainError(`call ${fn.name}`, error);
      }
    },
    transact(from, address, fn, args, value) {
      const account = accountAt(from);
      return serialized(`transact ${fn.name}`, async () => {
        const wallet = createWalletClient({ account, chain: await chainOf(), transport });
        // Encoded against this one ABI item, so overloaded functions pick the right one.
        const data = encodeFunctionData({ abi: [fn], functionName: fn.name, args });
        return wallet.sendTransaction({ to: address, data, value });
      });
    },
  };
}

/** The chain's reason (insufficient funds, a revert) as a user-facing error. */
function chainError(what: string, error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  const reason =
    error instanceof BaseError ? error.shortMessage : ((error as Error).message ?? String(error));
  return new HttpError(400, "Transaction failed", `${what}: ${reason}`, { cause: error });
}
