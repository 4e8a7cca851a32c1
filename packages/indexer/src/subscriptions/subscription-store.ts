import { randomUUID } from "node:crypto";
import { CryptoKubeError } from "@cryptokube/core";
import type { LogRow } from "../chain/block-data.ts";
import { logTopics } from "../chain/block-data.ts";
import { type Database, type Sql, toNumber } from "../db/database.ts";
import { compileEventFilter, type EventFilter, parseEventFilter } from "./event-filter.ts";

export interface Subscription {
  id: string;
  url: string;
  filter: EventFilter;
  createdAt: string;
  deliveredSeq: number;
  failures: number;
  lastError: string | null;
}

interface Active {
  id: string;
  matches: ReturnType<typeof compileEventFilter>;
}

/** The payload of an event delivery (the CloudEvent's data). */
export interface EventPayload {
  chainId: number;
  blockNumber: number;
  blockHash: string;
  txHash: string;
  txIndex: number;
  logIndex: number;
  address: string;
  topics: string[];
  data: string;
  contract?: string;
  event?: string;
  args?: Record<string, unknown>;
}

/**
 * Subscriptions in the database, mirrored in memory for matching during ingest. Events and
 * retractions are queued in the `deliveries` outbox inside the caller's transaction.
 */
export interface SubscriptionStore {
  load(): Promise<void>;
  create(input: { url: unknown; filter: unknown }): Promise<Subscription>;
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

export function createSubscriptionStore(db: Database): SubscriptionStore {
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
      const filter = parseEventFilter(input.filter);
      const id = randomUUID();
      // The cursor starts at the newest outbox row: a subscription receives events from now on.
      const [row] = await db.query<Record<string, unknown>>(
        `INSERT INTO subscriptions (id, url, filter, delivered_seq)
         VALUES ($1, $2, $3::jsonb, (SELECT COALESCE(MAX(seq), 0) FROM deliveries))
         RETURNING *`,
        [id, input.url, JSON.stringify(filter)],
      );
      active.set(id, { id, matches: compileEventFilter(filter) });
      return fromRow(row!);
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
      const rows: object[] = [];
      for (const log of logs) {
        const topics = logTopics(log);
        const matchable = { address: log.address, topics, event: log.event };
        let args: Record<string, unknown> | undefined;
        for (const sub of active.values()) {
          if (!sub.matches(matchable)) continue;
          args ??= log.args === null ? {} : (JSON.parse(log.args) as Record<string, unknown>);
          const payload: EventPayload = {
            chainId,
            blockNumber: log.block_number,
            blockHash: log.block_hash,
            txHash: log.tx_hash,
            txIndex: log.tx_index,
            logIndex: log.log_index,
            address: log.address,
            topics,
            data: log.data,
            ...(log.event === null ? {} : { contract: log.contract ?? "", event: log.event, args }),
          };
          rows.push({
            n: rows.length,
            subscription_id: sub.id,
            block_number: log.block_number,
            block_hash: log.block_hash,
            log_index: log.log_index,
            payload,
          });
        }
      }
      if (rows.length === 0) return 0;
      // Ordered by n so sequence numbers follow chain order within the batch.
      await tx.query(
        `INSERT INTO deliveries (subscription_id, kind, block_number, block_hash, log_index, payload)
         SELECT r.subscription_id, 'event', r.block_number, r.block_hash, r.log_index, r.payload
         FROM json_to_recordset($1::json) AS r(n integer, subscription_id text,
           block_number bigint, block_hash text, log_index integer, payload jsonb)
         ORDER BY r.n`,
        [JSON.stringify(rows)],
      );
      return rows.length;
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
