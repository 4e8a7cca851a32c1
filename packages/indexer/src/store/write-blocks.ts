import type { BlockData, BlockRow, LogRow, TransactionRow } from "../chain/block-data.ts";
import type { Column, Sql } from "../db/database.ts";

export interface RowCounts {
  blocks: number;
  transactions: number;
  logs: number;
}

const BLOCK_COLUMNS: readonly Column[] = [
  ["number", "bigint"],
  ["hash", "text"],
  ["parent_hash", "text"],
  ["timestamp", "bigint"],
  ["miner", "text"],
  ["gas_used", "numeric"],
  ["gas_limit", "numeric"],
  ["base_fee_per_gas", "numeric"],
  ["tx_count", "integer"],
];

const TRANSACTION_COLUMNS: readonly Column[] = [
  ["hash", "text"],
  ["block_number", "bigint"],
  ["block_hash", "text"],
  ["tx_index", "integer"],
  ["from_address", "text"],
  ["to_address", "text"],
  ["value", "numeric"],
  ["input", "text"],
  ["nonce", "bigint"],
  ["gas", "numeric"],
  ["gas_price", "numeric"],
  ["type", "smallint"],
  ["status", "smallint"],
  ["gas_used", "numeric"],
  ["cumulative_gas_used", "numeric"],
  ["effective_gas_price", "numeric"],
  ["contract_address", "text"],
];

const LOG_COLUMNS: readonly Column[] = [
  ["block_number", "bigint"],
  ["log_index", "integer"],
  ["block_hash", "text"],
  ["tx_hash", "text"],
  ["tx_index", "integer"],
  ["address", "text"],
  ["topic0", "text"],
  ["topic1", "text"],
  ["topic2", "text"],
  ["topic3", "text"],
  ["data", "text"],
  ["contract", "text"],
  ["event", "text"],
  ["args", "jsonb"],
];

/**
 * Inserts blocks, transactions and logs with the driver's bulk path. No ON CONFLICT: the
 * checkpoint commits with the rows, so a duplicate can only be a bug, and it must fail loudly.
 */
export async function insertBlockData(tx: Sql, batch: BlockData[]): Promise<RowCounts> {
  const blocks: BlockRow[] = [];
  const transactions: TransactionRow[] = [];
  const logs: LogRow[] = [];
  for (const item of batch) {
    blocks.push(item.block);
    for (const row of item.transactions) transactions.push(row);
    for (const row of item.logs) logs.push(row);
  }
  await tx.insertRows("blocks", BLOCK_COLUMNS, blocks);
  await tx.insertRows("transactions", TRANSACTION_COLUMNS, transactions);
  await tx.insertRows("logs", LOG_COLUMNS, logs);
  return { blocks: blocks.length, transactions: transactions.length, logs: logs.length };
}

/** Removes every row above `number` (a reorg rolling back to its common ancestor). */
export async function deleteAbove(tx: Sql, number: number): Promise<void> {
  await tx.query("DELETE FROM logs WHERE block_number > $1", [number]);
  await tx.query("DELETE FROM transactions WHERE block_number > $1", [number]);
  await tx.query("DELETE FROM blocks WHERE number > $1", [number]);
}
