import type { LogRow } from "../chain/block-data.ts";
import type { Sql } from "../db/database.ts";

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

/** A log's columns without its arguments, which callers pass already parsed. */
export type PayloadLog = Omit<LogRow, "args">;

/** One `event` row of the `deliveries` outbox, before it has a sequence number. */
export interface OutboxEvent {
  subscriptionId: string;
  payload: EventPayload;
}

/**
 * Builds the delivery payload of a log. Live ingest and historical replay both go through
 * here, so a subscriber cannot tell a replayed event from a live one by its shape.
 */
export function eventPayload(
  log: PayloadLog,
  topics: string[],
  args: Record<string, unknown> | null,
  chainId: number,
): EventPayload {
  return {
    chainId,
    blockNumber: log.block_number,
    blockHash: log.block_hash,
    txHash: log.tx_hash,
    txIndex: log.tx_index,
    logIndex: log.log_index,
    address: log.address,
    topics,
    data: log.data,
    ...(log.event === null
      ? {}
      : { contract: log.contract ?? "", event: log.event, args: args ?? {} }),
  };
}

/**
 * Appends event rows to the outbox in the given order: sequence numbers follow the array,
 * which is chain order for both callers. Runs in the caller's transaction.
 */
export async function insertOutboxEvents(tx: Sql, events: readonly OutboxEvent[]): Promise<void> {
  if (events.length === 0) return;
  const rows = events.map((event, n) => ({
    n,
    subscription_id: event.subscriptionId,
    block_number: event.payload.blockNumber,
    block_hash: event.payload.blockHash,
    log_index: event.payload.logIndex,
    payload: event.payload,
  }));
  await tx.query(
    `INSERT INTO deliveries (subscription_id, kind, block_number, block_hash, log_index, payload)
     SELECT r.subscription_id, 'event', r.block_number, r.block_hash, r.log_index, r.payload
     FROM json_to_recordset($1::json) AS r(n integer, subscription_id text,
       block_number bigint, block_hash text, log_index integer, payload jsonb)
     ORDER BY r.n`,
    [JSON.stringify(rows)],
  );
}
