/**
 * Persistence for the EDR devnet, which keeps its state only in memory.
 *
 * Approach: journal and replay. The first line of `devnet-journal.jsonl` records the
 * genesis (chain id, funded addresses, balance, hardfork and the genesis timestamp,
 * which is pinned in EDR so the genesis block is reproduced). Every state-changing
 * request that succeeded (transactions, mining, snapshots, hardhat_set*, ...) is then
 * appended, before its answer is sent, with the timestamp of the first block it mined.
 * On start the requests are replayed in order against a fresh EDR chain, pinning each
 * block's timestamp with evm_setNextBlockTimestamp first. EDR is deterministic given
 * the same genesis, requests and timestamps, so the replayed chain has the same
 * blocks, addresses, code, storage, balances and nonces. Each start also appends a
 * session record with its mining mode (automine or interval), so replay mines exactly
 * where the original run did; interval blocks are journaled as evm_mine because the
 * devnet mines them through its own request path. Subscriptions and filters are
 * per connection and not persisted.
 *
 * Crash safety comes from the append-only journal (see append-only-journal.ts): one
 * fsync per entry, a torn last line is dropped on open. The cost is start-up time
 * proportional to the history (no compaction yet).
 */
import { createHash } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { CryptoKubeError } from "@cryptokube/core";
import type { EmbeddedLogger } from "../logger.ts";
import { openAppendOnlyJournal } from "./append-only-journal.ts";
import type { EdrChain } from "./edr-chain.ts";

export const JOURNAL_FILE = "devnet-journal.jsonl";

/** Requests whose effect must survive a restart. Everything else is a read or per-connection. */
const STATE_CHANGING_METHODS = new Set([
  "eth_sendTransaction",
  "eth_sendRawTransaction",
  "evm_mine",
  "hardhat_mine",
  "evm_setNextBlockTimestamp",
  "evm_increaseTime",
  "evm_snapshot",
  "evm_revert",
  "evm_setAutomine",
  "evm_setBlockGasLimit",
  "hardhat_setBalance",
  "hardhat_setCode",
  "hardhat_setNonce",
  "hardhat_setStorageAt",
  "hardhat_setCoinbase",
  "hardhat_setMinGasPrice",
  "hardhat_setNextBlockBaseFeePerGas",
  "hardhat_setPrevRandao",
  "hardhat_impersonateAccount",
  "hardhat_stopImpersonatingAccount",
  "hardhat_dropTransaction",
  "hardhat_reset",
]);

export function isStateChanging(method: string): boolean {
  return STATE_CHANGING_METHODS.has(method);
}

export interface GenesisRecord {
  kind: "genesis";
  version: 1;
  chainId: number;
  hardfork: string;
  genesisTime: number;
  balanceWei: string;
  /** sha256 of the funded addresses, so a changed mnemonic/count is detected without storing keys. */
  accountsDigest: string;
}

export interface RequestRecord {
  kind: "request";
  method: string;
  params: unknown[];
  /** Timestamp of the first block this request mined, if it mined any. */
  blockTime?: number;
  /** Wall-clock seconds when it ran; used to restore the chain clock after replay. */
  at: number;
}

/**
 * Written at every start: the mining mode the session began with. A transaction sent
 * under interval mining waits for the next evm_mine, under automine it mines at once,
 * so replay must switch modes exactly where the original run did.
 */
export interface SessionRecord {
  kind: "session";
  autoMine: boolean;
  at: number;
}

export type HistoryRecord = RequestRecord | SessionRecord;

type JournalRecord = GenesisRecord | HistoryRecord;

export interface ChainGenesis {
  chainId: number;
  hardfork: string;
  balanceWei: bigint;
  addresses: string[];
}

export interface ChainJournal {
  genesisTime: number;
  /** Records to replay, oldest first. */
  history: HistoryRecord[];
  record(entry: HistoryRecord): void;
  close(): void;
}

export function openChainJournal(options: {
  stateDir: string;
  fresh: boolean;
  genesis: ChainGenesis;
  /** Of a new chain; an existing journal keeps the one it recorded. */
  genesisTime: number;
  logger: EmbeddedLogger;
}): ChainJournal {
  const { stateDir, genesis, logger } = options;
  mkdirSync(stateDir, { recursive: true });
  const path = join(stateDir, JOURNAL_FILE);
  if (options.fresh) rmSync(path, { force: true });
  const journal = openAppendOnlyJournal<JournalRecord>(path, logger);
  try {
    const expected: GenesisRecord = {
      kind: "genesis",
      version: 1,
      chainId: genesis.chainId,
      hardfork: genesis.hardfork,
      genesisTime: options.genesisTime,
      balanceWei: genesis.balanceWei.toString(),
      accountsDigest: createHash("sha256").update(genesis.addresses.join(",")).digest("hex"),
    };
    const [first, ...rest] = journal.entries;
    let genesisTime = expected.genesisTime;
    if (first === undefined) {
      journal.append(expected);
    } else {
      checkGenesis(first, expected, path, logger);
      genesisTime = (first as GenesisRecord).genesisTime;
    }
    return {
      genesisTime,
      history: rest.filter((entry): entry is HistoryRecord => entry.kind !== "genesis"),
      record: (entry) => journal.append(entry),
      close: () => journal.close(),
    };
  } catch (error) {
    journal.close();
    throw error;
  }
}

function checkGenesis(
  found: JournalRecord,
  expected: GenesisRecord,
  path: string,
  logger: EmbeddedLogger,
): void {
  if (found.kind !== "genesis" || found.version !== 1) {
    throw new CryptoKubeError(`devnet state ${path} does not start with a genesis record`, {
      code: "DEVNET_STATE_CORRUPT",
      hint: "the file was not written by this devnet version; start with --fresh to discard it",
    });
  }
  const mismatches: string[] = [];
  if (found.chainId !== expected.chainId) mismatches.push(`chainId ${found.chainId}`);
  if (found.balanceWei !== expected.balanceWei) mismatches.push(`balance ${found.balanceWei} wei`);
  if (found.accountsDigest !== expected.accountsDigest) {
    mismatches.push("a different mnemonic or number of accounts");
  }
  if (mismatches.length > 0) {
    throw new CryptoKubeError(
      `devnet state in ${path} was created with ${mismatches.join(", ")}, which differs from the options given`,
      {
        code: "DEVNET_STATE_MISMATCH",
        hint: "start with the same chainId, mnemonic, accounts and balance as before, or pass fresh (--fresh) to discard the old chain",
      },
    );
  }
  if (found.hardfork !== expected.hardfork) {
    logger.warn(
      { path, recorded: found.hardfork, current: expected.hardfork },
      "devnet state was recorded under another hardfork; replay may differ",
    );
  }
}

/**
 * Re-applies the journal to a fresh chain. The caller sets the mining mode of the new
 * session afterwards. Requests that fail on replay are logged and skipped: the same requests succeeded
 * originally, so a failure means the environment changed (e.g. a new EDR version).
 */
export async function replayChainHistory(
  chain: EdrChain,
  history: HistoryRecord[],
  logger: EmbeddedLogger,
): Promise<void> {
  let lastBlock: RequestRecord | undefined;
  for (const entry of history) {
    if (entry.kind === "session") {
      await chain.call("evm_setAutomine", [entry.autoMine]);
      continue;
    }
    if (entry.blockTime !== undefined) {
      // May fail harmlessly when the original block shared its parent's timestamp.
      await chain.call("evm_setNextBlockTimestamp", [entry.blockTime]);
      lastBlock = entry;
    }
    const outcome = await chain.call(entry.method, entry.params);
    if ("error" in outcome) {
      logger.warn(
        { method: entry.method, error: outcome.error.message },
        "devnet replay: a journaled request failed; state may differ from before the restart",
      );
    }
  }
  if (lastBlock !== undefined) {
    // Pinning timestamps leaves EDR's clock at "last block time = now". Move it forward by
    // the downtime so new blocks carry wall-clock time (plus any evm_increaseTime offset),
    // exactly as if the devnet had kept running.
    const downtime = Math.floor(Date.now() / 1000) - lastBlock.at;
    if (downtime > 0) await chain.call("evm_increaseTime", [downtime]);
  }
}
