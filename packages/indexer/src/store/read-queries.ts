import type { ContractRegistry } from "../abi/contract-registry.ts";
import { type Sql, toDecimalString, toNumber, toOptionalDecimal } from "../db/database.ts";

/** Read side of the REST API: rows shaped as JSON (bigints as decimal strings). */

export interface BlockSummary {
  number: number;
  hash: string;
  parentHash: string;
  timestamp: number;
  txCount: number;
  gasUsed: string;
  miner: string;
}

export interface TxSummary {
  hash: string;
  blockNumber: number;
  from: string;
  to: string | null;
  value: string;
  /** "success", "reverted", or null for pre-Byzantium receipts without a status. */
  status: "success" | "reverted" | null;
}

export interface EventSummary {
  blockNumber: number;
  txHash: string;
  logIndex: number;
  address: string;
  contract: string | null;
  event: string | null;
  args: Record<string, unknown> | null;
  topics: string[];
  data: string;
}

type Row = Record<string, unknown>;

const BLOCK_COLUMNS =
  "number, hash, parent_hash, timestamp, tx_count, gas_used, gas_limit, base_fee_per_gas, miner";
const TX_SUMMARY_COLUMNS = "hash, block_number, tx_index, from_address, to_address, value, status";
const LOG_COLUMNS =
  "block_number, log_index, tx_hash, address, topic0, topic1, topic2, topic3, data, contract, event, args";

function blockSummary(row: Row): BlockSummary {
  return {
    number: toNumber(row.number),
    hash: String(row.hash),
    parentHash: String(row.parent_hash),
    timestamp: toNumber(row.timestamp),
    txCount: toNumber(row.tx_count),
    gasUsed: toDecimalString(row.gas_used),
    miner: String(row.miner),
  };
}

function status(value: unknown): TxSummary["status"] {
  if (value === null || value === undefined) return null;
  return toNumber(value) === 1 ? "success" : "reverted";
}

function txSummary(row: Row): TxSummary {
  return {
    hash: String(row.hash),
    blockNumber: toNumber(row.block_number),
    from: String(row.from_address),
    to: (row.to_address as string | null) ?? null,
    value: toDecimalString(row.value),
    status: status(row.status),
  };
}

function topicsOf(row: Row): string[] {
  const topics: string[] = [];
  for (const key of ["topic0", "topic1", "topic2", "topic3"]) {
    const topic = row[key];
    if (typeof topic !== "string") break;
    topics.push(topic);
  }
  return topics;
}

function eventSummary(row: Row): EventSummary {
  return {
    blockNumber: toNumber(row.block_number),
    txHash: String(row.tx_hash),
    logIndex: toNumber(row.log_index),
    address: String(row.address),
    contract: (row.contract as string | null) ?? null,
    event: (row.event as string | null) ?? null,
    args: (row.args as Record<string, unknown> | null) ?? null,
    topics: topicsOf(row),
    data: String(row.data),
  };
}

export function createReadQueries(db: Sql, registry: ContractRegistry) {
  return {
    async latestBlocks(limit: number, before?: number): Promise<BlockSummary[]> {
      const rows =
        before === undefined
          ? await db.query(`SELECT ${BLOCK_COLUMNS} FROM blocks ORDER BY number DESC LIMIT $1`, [
              limit,
            ])
          : await db.query(
              `SELECT ${BLOCK_COLUMNS} FROM blocks WHERE number < $2 ORDER BY number DESC LIMIT $1`,
              [limit, before],
            );
      return rows.map(blockSummary);
    },

    async block(id: { number: number } | { hash: string }) {
      const [row] =
        "number" in id
          ? await db.query(`SELECT ${BLOCK_COLUMNS} FROM blocks WHERE number = $1`, [id.number])
          : await db.query(`SELECT ${BLOCK_COLUMNS} FROM blocks WHERE hash = $1`, [id.hash]);
      if (row === undefined) return undefined;
      const txs = await db.query(
        `SELECT ${TX_SUMMARY_COLUMNS} FROM transactions WHERE block_number = $1 ORDER BY tx_index`,
        [row.number],
      );
      return {
        ...blockSummary(row),
        gasLimit: toDecimalString(row.gas_limit),
        baseFeePerGas: toOptionalDecimal(row.base_fee_per_gas),
        transactions: txs.map((tx) => ({ ...txSummary(tx), index: toNumber(tx.tx_index) })),
      };
    },

    async latestTxs(limit: number): Promise<TxSummary[]> {
      const rows = await db.query(
        `SELECT ${TX_SUMMARY_COLUMNS} FROM transactions
         ORDER BY block_number DESC, tx_index DESC LIMIT $1`,
        [limit],
      );
      return rows.map(txSummary);
    },

    async tx(hash: string) {
      const [row] = await db.query("SELECT * FROM transactions WHERE hash = $1", [hash]);
      if (row === undefined) return undefined;
      const logs = await db.query(
        `SELECT ${LOG_COLUMNS} FROM logs WHERE block_number = $1 AND tx_index = $2
         ORDER BY log_index`,
        [row.block_number, row.tx_index],
      );
      const to = (row.to_address as string | null) ?? null;
      const decodedInput = registry.decodeInput(to, String(row.input));
      return {
        ...txSummary(row),
        blockHash: String(row.block_hash),
        index: toNumber(row.tx_index),
        input: String(row.input),
        nonce: toNumber(row.nonce),
        gas: toDecimalString(row.gas),
        gasPrice: toOptionalDecimal(row.gas_price),
        effectiveGasPrice: toOptionalDecimal(row.effective_gas_price),
        gasUsed: toOptionalDecimal(row.gas_used),
        cumulativeGasUsed: toOptionalDecimal(row.cumulative_gas_used),
        type: row.type === null ? null : toNumber(row.type),
        contractAddress: (row.contract_address as string | null) ?? null,
        ...(decodedInput === undefined ? {} : { decodedInput }),
        logs: logs.map((log) => ({
          logIndex: toNumber(log.log_index),
          address: String(log.address),
          topics: topicsOf(log),
          data: String(log.data),
          ...(log.event === null || log.event === undefined
            ? {}
            : { decoded: { contract: log.contract, event: log.event, args: log.args } }),
        })),
      };
    },

    async address(address: string, limit: number) {
      const txs = await db.query(
        `SELECT ${TX_SUMMARY_COLUMNS} FROM (
           (SELECT * FROM transactions WHERE from_address = $1 ORDER BY block_number DESC LIMIT $2)
           UNION
           (SELECT * FROM transactions WHERE to_address = $1 ORDER BY block_number DESC LIMIT $2)
           UNION
           (SELECT * FROM transactions WHERE contract_address = $1 LIMIT 1)
         ) t ORDER BY block_number DESC, tx_index DESC LIMIT $2`,
        [address, limit],
      );
      const events = await db.query(
        `SELECT ${LOG_COLUMNS} FROM logs WHERE address = $1
         ORDER BY block_number DESC, log_index DESC LIMIT $2`,
        [address, limit],
      );
      const contract = registry.get(address);
      return {
        address,
        txs: txs.map(txSummary),
        events: events.map(eventSummary),
        ...(contract === undefined ? {} : { contract: { name: contract.name } }),
      };
    },

    async events(filter: { address?: string; event?: string; limit: number }) {
      const where: string[] = [];
      const params: unknown[] = [filter.limit];
      if (filter.address !== undefined) {
        params.push(filter.address);
        where.push(`address = $${params.length}`);
      }
      if (filter.event !== undefined) {
        params.push(filter.event);
        where.push(`event = $${params.length}`);
      }
      const rows = await db.query(
        `SELECT ${LOG_COLUMNS} FROM logs ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""}
         ORDER BY block_number DESC, log_index DESC LIMIT $1`,
        params,
      );
      return rows.map(eventSummary);
    },

    async search(
      q: string,
    ): Promise<{ kind: "block" | "tx" | "address" | "none"; id: string | null }> {
      const text = q.trim().toLowerCase();
      if (/^\d+$/.test(text)) {
        const rows = await db.query("SELECT number FROM blocks WHERE number = $1", [Number(text)]);
        return rows.length > 0 ? { kind: "block", id: text } : { kind: "none", id: null };
      }
      if (/^0x[0-9a-f]{64}$/.test(text)) {
        const txs = await db.query("SELECT hash FROM transactions WHERE hash = $1", [text]);
        if (txs.length > 0) return { kind: "tx", id: text };
        const [block] = await db.query<{ number: unknown }>(
          "SELECT number FROM blocks WHERE hash = $1",
          [text],
        );
        return block === undefined
          ? { kind: "none", id: null }
          : { kind: "block", id: String(toNumber(block.number)) };
      }
      if (/^0x[0-9a-f]{40}$/.test(text)) return { kind: "address", id: text };
      return { kind: "none", id: null };
    },
  };
}

export type ReadQueries = ReturnType<typeof createReadQueries>;
