import { CryptoKubeError } from "@cryptokube/core";
import { logTopics } from "../chain/block-data.ts";
import { type Sql, toNumber } from "../db/database.ts";
import type { EventFilter, MatchableLog } from "./event-filter.ts";
import { eventPayload, insertOutboxEvents, type OutboxEvent, type PayloadLog } from "./outbox.ts";

/** Logs read per query: bounds memory whatever the size of the history. */
const REPLAY_PAGE = 5_000;

const EXPECTED =
  "expected a non-negative integer block number (a JSON number, a decimal string or a 0x hex string)";

/**
 * Validates the optional `fromBlock` of a subscription request. Absent or null means "no
 * replay"; strings are accepted because block numbers often arrive as 0x quantities.
 */
export function parseFromBlock(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "number") {
    if (Number.isSafeInteger(value) && value >= 0) return value;
    throw badFromBlock(`${EXPECTED}, got ${value}`);
  }
  if (typeof value === "string" && (/^\d+$/.test(value) || /^0x[0-9a-fA-F]+$/.test(value))) {
    const number = BigInt(value);
    if (number <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(number);
    throw badFromBlock(`'${value}' is larger than the largest supported block number (2^53 - 1)`);
  }
  throw badFromBlock(`${EXPECTED}, got ${describe(value)}`);
}

export interface ReplayOptions {
  subscriptionId: string;
  filter: EventFilter;
  /** The same compiled matcher live ingest uses for this subscription. */
  matches: (log: MatchableLog) => boolean;
  fromBlock: number;
  chainId: number;
  /** More matching events than this refuses the replay (the caller's transaction rolls back). */
  limit: number;
}

/**
 * Queues every indexed log at or above `fromBlock` that the subscription matches as ordinary
 * event rows, in (block_number, log_index) order; returns how many. Must run in the
 * transaction that creates the subscription, under the write lock, so that the logs table
 * is exactly the checkpoint and the next ingested batch is the first live one.
 */
export async function replayHistory(tx: Sql, options: ReplayOptions): Promise<number> {
  const { subscriptionId, matches, limit } = options;
  let after = { block: options.fromBlock, index: -1 };
  let matched = 0;
  for (;;) {
    const rows = await readPage(tx, options.filter, after);
    const events: OutboxEvent[] = [];
    for (const row of rows) {
      const log = toPayloadLog(row);
      const topics = logTopics(log);
      if (!matches({ address: log.address, topics, event: log.event })) continue;
      // Past the limit the creation is refused anyway; keep counting so the error can say
      // how far off the request is, but stop building rows.
      if (++matched > limit) continue;
      const args = (row.args ?? null) as Record<string, unknown> | null;
      events.push({ subscriptionId, payload: eventPayload(log, topics, args, options.chainId) });
    }
    await insertOutboxEvents(tx, events);
    const last = rows[rows.length - 1];
    if (last === undefined || rows.length < REPLAY_PAGE) break;
    after = { block: toNumber(last.block_number), index: toNumber(last.log_index) };
  }
  if (matched > limit) throw tooMany(matched, options.fromBlock, limit);
  return matched;
}

type Row = Record<string, unknown>;

/** The next page after `after` in chain order; narrowed by address in SQL when the filter has some. */
function readPage(tx: Sql, filter: EventFilter, after: { block: number; index: number }) {
  const params: unknown[] = [after.block, after.index];
  let byAddress = "";
  if (filter.address !== undefined) {
    // A JSON array keeps the parameter portable between PGlite and node-postgres.
    params.push(JSON.stringify(filter.address));
    byAddress = "AND address IN (SELECT json_array_elements_text($3::json))";
  }
  return tx.query<Row>(
    `SELECT block_number, log_index, block_hash, tx_hash, tx_index, address,
       topic0, topic1, topic2, topic3, data, contract, event, args
     FROM logs WHERE (block_number, log_index) > ($1, $2) ${byAddress}
     ORDER BY block_number, log_index LIMIT ${REPLAY_PAGE}`,
    params,
  );
}

/** A stored log in the shape ingest holds it; BIGINT columns vary in type by driver. */
function toPayloadLog(row: Row): PayloadLog {
  const text = (value: unknown) => (value === null || value === undefined ? null : String(value));
  return {
    block_number: toNumber(row.block_number),
    log_index: toNumber(row.log_index),
    block_hash: String(row.block_hash),
    tx_hash: String(row.tx_hash),
    tx_index: toNumber(row.tx_index),
    address: String(row.address),
    topic0: text(row.topic0),
    topic1: text(row.topic1),
    topic2: text(row.topic2),
    topic3: text(row.topic3),
    data: String(row.data),
    contract: text(row.contract),
    event: text(row.event),
  };
}

function describe(value: unknown): string {
  const json = JSON.stringify(value) ?? typeof value;
  return json.length > 40 ? `${json.slice(0, 40)}…` : json;
}

function badFromBlock(problem: string): CryptoKubeError {
  return new CryptoKubeError(`fromBlock: ${problem}`, {
    code: "INDEXER_BAD_REQUEST",
    hint: 'e.g. {"url":"http://127.0.0.1:9000/hook","filter":{"event":"Transfer"},"fromBlock":"0x10"}',
  });
}

function tooMany(matched: number, fromBlock: number, limit: number): CryptoKubeError {
  return new CryptoKubeError(
    `fromBlock: ${matched} indexed events match the filter from block ${fromBlock}, more than ` +
      `the replay limit of ${limit}; raise fromBlock or narrow the filter (nothing was created)`,
    { code: "INDEXER_REPLAY_TOO_LARGE", hint: "the limit is the indexer's tuning.maxReplayEvents" },
  );
}
