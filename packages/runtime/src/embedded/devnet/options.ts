import type { EmbeddedLogger } from "../logger.ts";
import { devnetOptionError } from "./errors.ts";

export interface DevnetOptions {
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /** Default 8545; 0 picks a random free port. */
  port?: number;
  /** Default 31337. */
  chainId?: number;
  /** Seconds; 0 (default) = automine, one block per transaction; >0 = interval mining. */
  blockTime?: number;
  /** Default "test test test test test test test test test test test junk". */
  mnemonic?: string;
  /** Number of funded accounts; default 10. */
  accounts?: number;
  /** Balance of each funded account in ETH; default 10000. */
  balanceEth?: number;
  /** When set, chain state persists there across restarts. */
  stateDir?: string;
  /** Ignore and erase persisted state. */
  fresh?: boolean;
  /**
   * Unix seconds of a new chain's genesis block; default now. Devnets given the same one and
   * the same history have the same block hashes (a persisted chain keeps its recorded one).
   */
  genesisTime?: number;
  logger?: EmbeddedLogger;
}

export const DEFAULT_MNEMONIC = "test test test test test test test test test test test junk";

export interface ResolvedDevnetOptions {
  host: string;
  port: number;
  chainId: number;
  blockTime: number;
  mnemonic: string;
  accounts: number;
  balanceEth: number;
  stateDir: string | undefined;
  fresh: boolean;
  genesisTime: number;
}

export function resolveDevnetOptions(options: DevnetOptions): ResolvedDevnetOptions {
  const resolved: ResolvedDevnetOptions = {
    host: options.host ?? "127.0.0.1",
    port: options.port ?? 8545,
    chainId: options.chainId ?? 31337,
    blockTime: options.blockTime ?? 0,
    mnemonic: (options.mnemonic ?? DEFAULT_MNEMONIC).trim(),
    accounts: options.accounts ?? 10,
    balanceEth: options.balanceEth ?? 10000,
    stateDir: options.stateDir,
    fresh: options.fresh ?? false,
    genesisTime: options.genesisTime ?? Math.floor(Date.now() / 1000),
  };
  requireInteger("port", resolved.port, 0, 65535);
  requireInteger("chainId", resolved.chainId, 1, Number.MAX_SAFE_INTEGER);
  requireInteger("accounts", resolved.accounts, 0, 1000);
  requireInteger("genesisTime", resolved.genesisTime, 0, Number.MAX_SAFE_INTEGER);
  if (!Number.isFinite(resolved.blockTime) || resolved.blockTime < 0) {
    throw devnetOptionError(
      `devnet option blockTime must be a number of seconds >= 0, got ${resolved.blockTime}`,
      "use 0 for automine (one block per transaction) or e.g. 2 for a block every 2 seconds",
    );
  }
  if (!Number.isFinite(resolved.balanceEth) || resolved.balanceEth < 0) {
    throw devnetOptionError(
      `devnet option balanceEth must be a number >= 0, got ${resolved.balanceEth}`,
      "give the balance of each funded account in ETH, e.g. 10000",
    );
  }
  if (resolved.mnemonic.split(/\s+/).length < 12) {
    throw devnetOptionError(
      "devnet option mnemonic must have at least 12 words",
      `use a BIP-39 mnemonic, e.g. the default "${DEFAULT_MNEMONIC}"`,
    );
  }
  return resolved;
}

function requireInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw devnetOptionError(
      `devnet option ${name} must be an integer from ${min} to ${max}, got ${value}`,
      `pass a whole number for ${name}`,
    );
  }
}
