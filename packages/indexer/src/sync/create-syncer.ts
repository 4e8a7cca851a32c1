import { setTimeout as sleep } from "node:timers/promises";
import { CryptoKubeError } from "@cryptokube/core";
import type { Logger } from "pino";
import type { ContractRegistry } from "../abi/contract-registry.ts";
import type { BlockData } from "../chain/block-data.ts";
import type { ChainClient } from "../chain/create-chain-client.ts";
import type { IndexerTuning } from "../config/schema.ts";
import type { Database } from "../db/database.ts";
import type { IndexerMetrics } from "../metrics/create-metrics.ts";
import { storedHash, writeCheckpoint } from "../store/sync-state.ts";
import { deleteAbove, insertBlockData, type RowCounts } from "../store/write-blocks.ts";
import type { WriteLock } from "../store/write-lock.ts";
import type { SubscriptionStore } from "../subscriptions/subscription-store.ts";
import { decodeLogs } from "./decode-logs.ts";
import { findCommonAncestor } from "./find-common-ancestor.ts";

export interface SyncStatus {
  chainId: number;
  chainHead: number | null;
  indexedHead: number | null;
  finalized: number | null;
  lag: number | null;
  startBlock: number;
}

export interface SyncerContext {
  db: Database;
  chain: ChainClient;
  registry: ContractRegistry;
  subscriptions: SubscriptionStore;
  writeLock: WriteLock;
  metrics: IndexerMetrics;
  logger: Logger;
  tuning: IndexerTuning;
  chainId: number;
  startBlock: number;
  /** The committed checkpoint at start. */
  checkpoint: { number: number; hash: string | null };
  /** Called after every commit (new rows for subscriptions). */
  onCommit(): void;
}

export interface Syncer {
  /** Backfills then follows the head until `signal` aborts; never throws for chain or DB hiccups. */
  run(signal: AbortSignal): Promise<void>;
  status(): SyncStatus;
  /** Whether the chain answered at least once since start. */
  chainReachable(): boolean;
}

const PRUNE_EVERY_COMMITS = 50;
const PROGRESS_EVERY_MS = 10_000;

/**
 * The ingest loop. Each batch of blocks commits in one transaction together with the
 * checkpoint (crash safety: no gap, no duplicate on restart). Before a batch is written its
 * first parent hash is checked against the checkpoint; a mismatch, or a tip that is no longer
 * canonical, triggers a reconcile: common ancestor, delete above it, re-ingest and queue
 * retractions, all in one transaction.
 */
export function createSyncer(ctx: SyncerContext): Syncer {
  const { db, chain, metrics, logger, tuning } = ctx;
  let checkpoint = { ...ctx.checkpoint };
  let chainHead: number | null = null;
  let reachable = false;
  let commits = 0;
  let lastCommitAt = performance.now();

  const finalizedAt = (head: number) => Math.max(ctx.startBlock - 1, head - tuning.finalityDepth);

  function observeHead(head: number): void {
    chainHead = head;
    reachable = true;
    metrics.chainHead.set(head);
    metrics.finalized.set(finalizedAt(head));
    metrics.lag.set(Math.max(0, head - checkpoint.number));
  }

  function counted(rows: RowCounts): void {
    metrics.rowsWritten.inc({ table: "blocks" }, rows.blocks);
    metrics.rowsWritten.inc({ table: "transactions" }, rows.transactions);
    metrics.rowsWritten.inc({ table: "logs" }, rows.logs);
    metrics.blocksIndexed.inc(rows.blocks);
    const now = performance.now();
    metrics.blocksPerSecond.set(rows.blocks / Math.max(0.001, (now - lastCommitAt) / 1000));
    lastCommitAt = now;
  }

  function advanced(last: BlockData): void {
    checkpoint = { number: last.block.number, hash: last.block.hash };
    metrics.indexedHead.set(checkpoint.number);
    if (chainHead !== null) metrics.lag.set(Math.max(0, chainHead - checkpoint.number));
    ctx.onCommit();
    if (++commits % PRUNE_EVERY_COMMITS === 0 && chainHead !== null) {
      ctx.subscriptions.prune(finalizedAt(chainHead)).catch((error: unknown) => {
        logger.warn({ err: error }, "cannot prune acknowledged deliveries");
      });
    }
  }

  /** Writes a batch that extends the checkpoint; false when its parent is not the checkpoint. */
  async function commit(batch: BlockData[]): Promise<boolean> {
    const first = batch[0];
    const last = batch[batch.length - 1];
    if (first === undefined || last === undefined) return true;
    return ctx.writeLock.run(async () => {
      if (checkpoint.hash !== null && first.block.parent_hash !== checkpoint.hash) return false;
      decodeLogs(batch, ctx.registry);
      const rows = await db.transaction(async (tx) => {
        const counts = await insertBlockData(tx, batch);
        await ctx.subscriptions.enqueueEvents(
          tx,
          batch.flatMap((b) => b.logs),
          ctx.chainId,
        );
        await writeCheckpoint(tx, last.block.number, last.block.hash);
        return counts;
      });
      counted(rows);
      advanced(last);
      return true;
    });
  }

  /** Rolls back to the common ancestor and re-ingests up to the head, in one transaction. */
  async function reconcile(head: number): Promise<void> {
    const started = performance.now();
    await ctx.writeLock.run(async () => {
      const oldHead = checkpoint.number;
      const ancestor = await findCommonAncestor({
        db,
        chain,
        from: Math.min(checkpoint.number, head),
        startBlock: ctx.startBlock,
        finalized: finalizedAt(head),
      });
      const until = Math.min(head, ancestor + Math.max(oldHead - ancestor, tuning.batchBlocks));
      const batch = until > ancestor ? await chain.fetchBlocks(ancestor + 1, until) : [];
      const ancestorHash = ancestor >= ctx.startBlock ? await storedHash(db, ancestor) : null;
      const first = batch[0];
      if (
        first !== undefined &&
        ancestorHash !== null &&
        first.block.parent_hash !== ancestorHash
      ) {
        throw new CryptoKubeError("the chain moved again while reconciling a reorg", {
          code: "INDEXER_CHAIN_MOVED",
          retryable: true,
        });
      }
      decodeLogs(batch, ctx.registry);
      const last = batch[batch.length - 1];
      const result = await db.transaction(async (tx) => {
        const retracted = await ctx.subscriptions.enqueueRetractions(tx, ancestor);
        await deleteAbove(tx, ancestor);
        const counts = await insertBlockData(tx, batch);
        await ctx.subscriptions.enqueueEvents(
          tx,
          batch.flatMap((b) => b.logs),
          ctx.chainId,
        );
        await writeCheckpoint(
          tx,
          last?.block.number ?? ancestor,
          last?.block.hash ?? ancestorHash ?? null,
        );
        return { counts, retracted };
      });
      metrics.reorgs.inc();
      metrics.reorgDepth.set(oldHead - ancestor);
      counted(result.counts);
      if (last !== undefined) advanced(last);
      else {
        checkpoint = { number: ancestor, hash: ancestorHash ?? null };
        metrics.indexedHead.set(ancestor);
        ctx.onCommit();
      }
      logger.warn(
        {
          ancestor,
          depth: oldHead - ancestor,
          reingested: batch.length,
          retracted: result.retracted,
          ms: Math.round(performance.now() - started),
        },
        "chain reorganization reconciled",
      );
    });
  }

  /**
   * Backfills `from..to` with windows fetched ahead of the writer; stops at a reorg. A range
   * longer than one batch is a backfill: it logs progress every PROGRESS_EVERY_MS and once
   * more when it reaches `to`.
   */
  async function ingestRange(from: number, to: number, signal: AbortSignal): Promise<void> {
    const started = performance.now();
    const backfill = to - from + 1 > tuning.batchBlocks;
    let progressAt = started + PROGRESS_EVERY_MS;
    const rate = () =>
      Math.round((checkpoint.number - from + 1) / ((performance.now() - started) / 1000));
    const windows: Array<[number, number]> = [];
    for (let start = from; start <= to; start += tuning.batchBlocks) {
      windows.push([start, Math.min(to, start + tuning.batchBlocks - 1)]);
    }
    const inFlight: Array<Promise<BlockData[]>> = [];
    let next = 0;
    const fill = () => {
      while (next < windows.length && inFlight.length < tuning.prefetchWindows) {
        const [a, b] = windows[next++]!;
        const fetching = chain.fetchBlocks(a, b);
        fetching.catch(() => {}); // observed when awaited; avoid unhandled rejections meanwhile
        inFlight.push(fetching);
      }
    };
    fill();
    while (inFlight.length > 0 && !signal.aborted) {
      const batch = await inFlight.shift()!;
      fill();
      if (!(await commit(batch))) {
        await reconcile(chainHead ?? to);
        return;
      }
      if (backfill && performance.now() >= progressAt) {
        progressAt = performance.now() + PROGRESS_EVERY_MS;
        logger.info(
          { indexed: checkpoint.number, target: to, blocksPerSecond: rate() },
          "backfilling",
        );
      }
    }
    if (backfill && checkpoint.number === to) {
      logger.info(
        {
          from,
          to,
          seconds: Math.round(performance.now() - started) / 1000,
          blocksPerSecond: rate(),
        },
        "backfill reached the chain head",
      );
    }
  }

  async function step(signal: AbortSignal): Promise<"idle" | "busy"> {
    const head = await chain.headNumber();
    observeHead(head);
    if (checkpoint.number >= ctx.startBlock) {
      // The tip must still be canonical; a shorter chain or another hash means a reorg.
      const tip = head < checkpoint.number ? undefined : await chain.header(checkpoint.number);
      if (tip?.hash !== checkpoint.hash) {
        await reconcile(head);
        return "busy";
      }
    }
    if (checkpoint.number >= head) return "idle";
    await ingestRange(checkpoint.number + 1, head, signal);
    return "busy";
  }

  return {
    async run(signal) {
      let failures = 0;
      while (!signal.aborted) {
        let outcome: "idle" | "busy" | "failed";
        try {
          outcome = await step(signal);
          failures = 0;
        } catch (error) {
          if (signal.aborted) return;
          failures++;
          outcome = "failed";
          const retryable = error instanceof CryptoKubeError ? error.retryable : true;
          if (!(error instanceof CryptoKubeError) || error.code !== "INDEXER_CHAIN_MOVED") {
            metrics.rpcErrors.inc();
          }
          logger[failures > 3 || !retryable ? "error" : "warn"](
            { err: error, attempt: failures },
            "indexing step failed; retrying",
          );
        }
        if (outcome === "busy") continue;
        const delay =
          outcome === "idle"
            ? tuning.pollIntervalMs
            : Math.min(10_000, tuning.pollIntervalMs * 2 ** Math.min(failures, 5));
        await sleep(delay, undefined, { signal }).catch(() => {});
      }
    },
    status() {
      const indexed = checkpoint.number >= ctx.startBlock ? checkpoint.number : null;
      return {
        chainId: ctx.chainId,
        chainHead,
        indexedHead: indexed,
        finalized:
          chainHead === null || finalizedAt(chainHead) < ctx.startBlock
            ? null
            : finalizedAt(chainHead),
        lag: chainHead === null ? null : Math.max(0, chainHead - checkpoint.number),
        startBlock: ctx.startBlock,
      };
    },
    chainReachable: () => reachable,
  };
}
