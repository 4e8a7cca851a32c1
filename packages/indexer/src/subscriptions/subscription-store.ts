import { randomUUID } from "node:crypto";
import { CryptoKubeError } from "@cryptokube/core";
import type { LogRow } from "../chain/block-data.ts";
import { logTopics } from "../chain/block-data.ts";
import { type Database, type Sql, toNumber } from "../db/database.ts";
import type { WriteLock } from "../store/write-lock.ts";
import { compileEventFilter, type EventFilter, parseEventFilter } from "./event-filter.ts";
import { type EventPayload, eventPayload, insertOutboxEvents, type OutboxEvent } from "./outbox.ts";
import { parseFromBlock, replayHistory } from "./replay-history.ts";

export interface Subscription {
  id: string;
  url: string;
  filter: EventFilter;
  createdAt: string;
  deliveredSeq: number;
  failures: number;
  lastError: string | null;
}

/** What a creation with `fromBlock` queued ahead of the live events. */
export interface ReplaySummary {
  /** As requested; a block below the indexer's startBlock replays from startBlock. */
  fromBlock: number;
  /** Replayed events queued (all before any live event). */
  events: number;
  /** The indexed head the replay covered (inclusive); null when nothing is indexed yet. */
  toBlock: number | null;
}

export interface CreatedSubscription {
  subscription: Subscription;
  /** Null when the request had no fromBlock. */
  replay: ReplaySummary | null;
}

export interface SubscriptionInput {
  url: unknown;
  filter: unknown;
  /** Optional: replay already-indexed matching events from this block on. */
  fromBlock?: unknown;
}

interface Active {
  id: string;
  matches: ReturnType<typeof compileEventFilter>;
}

/**
 * Subscriptions in the database, mirrored in memory for matching during ingest. Events and
 * retractions are queued in the `deliveries` outbox inside the caller's transaction.
 */
export interface SubscriptionStore {
  load(): Promise<void>;
  /**
   * Validates and stores a subscription. With `fromBlock`, its matching already-indexed events
   * are queued first, in the same transaction and under the write lock, so that live events
   * continue exactly after them. Throws INDEXER_BAD_REQUEST for a bad field and
   * INDEXER_REPLAY_TOO_LARGE past the replay limit; nothing is stored then.
   */
  create(input: SubscriptionInput): Promise<CreatedSubscription>;
  list(): Promise<Subscription[]>;
  get(id: string): Promise<Subscription | undefined>;
  remove(id: string): Promise<boolean>;
  /** Queues the matching events of freshly ingested logs; returns how many were queued. */
  enqueueEvents(tx: Sql, logs: LogRow[], chainId: number): Promise<number>;
  /** Queues a retraction for every not yet retracted event above `ancestor`. */
  enqueueRetractions(tx: Sql, ancestor: number): Promise<number>;
  /** Drops acknowledged outbox rows below `finalized`: they can no longer be retracted. */
  prune(finalized: number): Promise<void>;
  activeIds(): string[];
}

export interface SubscriptionStoreOptions {
  db: Database;
  /** The ingest writers' lock: a creation must not interleave with a batch commit. */
  writeLock: WriteLock;
  /** Most events one creation may replay (tuning.maxReplayEvents). */
  maxReplayEvents: number;
}

export function createSubscriptionStore(options: SubscriptionStoreOptions): SubscriptionStore {
  const { db, writeLock } = options;
  const active = new Map<string, Active>();

  const fromRow = (row: Record<string, unknown>): Subscription => ({
    id: String(row.id),
    url: String(row.url),
    filter: row.filter as EventFilter,
    createdAt: new Date(row.created_at as string | Date).toISOString(),
    deliveredSeq: toNumber(row.delivered_seq),
    failures: toNumber(row.failures),
    lastError: (row.last_error as string | null) ?? null,
  });

  /** Inserts the row and queues the replay; the transaction rolls both back on any error. */
  async function insert(
    tx: Sql,
    sub: Active & { url: string; filter: EventFilter },
    fromBlock: number | undefined,
  ): Promise<CreatedSubscription> {
    // The cursor starts at the newest outbox row, so only rows queued from here on (the
    // replay, then live events) are this subscription's.
    const [row] = await tx.query<Record<string, unknown>>(
      `INSERT INTO subscriptions (id, url, filter, delivered_seq)
       VALUES ($1, $2, $3::jsonb, (SELECT COALESCE(MAX(seq), 0) FROM deliveries))
       RETURNING *`,
      [sub.id, sub.url, JSON.stringify(sub.filter)],
    );
    return {
      subscription: fromRow(row!),
      replay: fromBlock === undefined ? null : await replay(tx, sub, fromBlock),
    };
  }

  /** Queues the history from `fromBlock` up to the checkpoint (the logs table as it is). */
  async function replay(
    tx: Sql,
    sub: Active & { filter: EventFilter },
    fromBlock: number,
  ): Promise<ReplaySummary> {
    const [state] = await tx.query<{
      chain_id: unknown;
      indexed_number: unknown;
      start_block: unknown;
    }>("SELECT chain_id, indexed_number, start_block FROM sync_state WHERE id = 1");
    // Before the first connection to the chain there is no checkpoint and nothing indexed.
    if (state === undefined) return { fromBlock, events: 0, toBlock: null };
    const events = await replayHistory(tx, {
      subscriptionId: sub.id,
      filter: sub.filter,
      matches: sub.matches,
      fromBlock,
      chainId: toNumber(state.chain_id),
      limit: options.maxReplayEvents,
    });
    const head = toNumber(state.indexed_number);
    const toBlock = head >= toNumber(state.start_block) ? head : null;
    return { fromBlock, events, toBlock };
  }

  return {
    async load() {
      const rows = await db.query<{ id: string; filter: EventFilter }>(
        "SELECT id, filter FROM subscriptions",
      );
      for (const row of rows) {
        active.set(row.id, { id: row.id, matches: compileEventFilter(row.filter) });
      }
    },
    async create(input) {
      if (
        typeof input.url !== "string" ||
        !/^https?:\/\//.test(input.url) ||
        !URL.canParse(input.url)
      ) {
        throw new CryptoKubeError("url: expected an http(s) URL for the webhook", {
          code: "INDEXER_BAD_REQUEST",
          hint: "e.g. http://127.0.0.1:9000/hook",
        });
      }
      const url = input.url;
      const filter = parseEventFilter(input.filter);
      const fromBlock = parseFromBlock(input.fromBlock);
      const sub = { id: randomUUID(), url, filter, matches: compileEventFilter(filter) };
      // Under the ingest lock no batch commits between the replay (which reads up to the
      // checkpoint) and the matcher going live (which catches the next batch): no gap, no
      // duplicate. The matcher is added only once the transaction committed.
      return writeLock.run(async () => {
        const created = await db.transaction((tx) => insert(tx, sub, fromBlock));
        active.set(sub.id, { id: sub.id, matches: sub.matches });
        return created;
      });
    },
    async list() {
      const rows = await db.query<Record<string, unknown>>(
        "SELECT * FROM subscriptions ORDER BY created_at, id",
      );
      return rows.map(fromRow);
    },
    async get(id) {
      const [row] = await db.query<Record<string, unknown>>(
        "SELECT * FROM subscriptions WHERE id = $1",
        [id],
      );
      return row === undefined ? undefined : fromRow(row);
    },
    async remove(id) {
      active.delete(id);
      const rows = await db.query("DELETE FROM subscriptions WHERE id = $1 RETURNING id", [id]);
      return rows.length > 0;
    },
    async enqueueEvents(tx, logs, chainId) {
      if (active.size === 0 || logs.length === 0) return 0;
      const events: OutboxEvent[] = [];
      for (const log of logs) {
        const topics = logTopics(log);
        const matchable = { address: log.address, topics, event: log.event };
        let payload: EventPayload | undefined;
        for (const sub of active.values()) {
          if (!sub.matches(matchable)) continue;
          // Parsed only for logs some subscription matches, and once for all of them.
          payload ??= eventPayload(
            log,
            topics,
            log.args === null ? null : (JSON.parse(log.args) as Record<string, unknown>),
            chainId,
          );
          events.push({ subscriptionId: sub.id, payload });
        }
      }
      // In chain order, so sequence numbers follow chain order within the batch.
      await insertOutboxEvents(tx, events);
      return events.length;
    },
    async enqueueRetractions(tx, ancestor) {
      const rows = await tx.query(
        `INSERT INTO deliveries (subscription_id, kind, block_number, block_hash, log_index, payload)
         SELECT d.subscription_id, 'retracted', d.block_number, d.block_hash, d.log_index, d.payload
         FROM deliveries d
         WHERE d.kind = 'event' AND d.block_number > $1
           AND NOT EXISTS (
             SELECT 1 FROM deliveries r
             WHERE r.kind = 'retracted' AND r.subscription_id = d.subscription_id
               AND r.block_hash = d.block_hash AND r.log_index = d.log_index)
         ORDER BY d.seq DESC
         RETURNING seq`,
        [ancestor],
      );
      return rows.length;
    },
    async prune(finalized) {
      await db.query(
        `DELETE FROM deliveries d USING subscriptions s
         WHERE d.subscription_id = s.id AND d.seq <= s.delivered_seq AND d.block_number < $1`,
        [finalized],
      );
    },
    activeIds: () => [...active.keys()],
  };
}
