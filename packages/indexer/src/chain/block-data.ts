/**
 * One block's data as rows ready to write: numbers as JS numbers where they fit (block
 * numbers, indexes), wei amounts as decimal strings, hashes and addresses lowercase hex.
 */
export interface BlockRow {
  number: number;
  hash: string;
  parent_hash: string;
  timestamp: number;
  miner: string;
  gas_used: string;
  gas_limit: string;
  base_fee_per_gas: string | null;
  tx_count: number;
}

export interface TransactionRow {
  hash: string;
  block_number: number;
  block_hash: string;
  tx_index: number;
  from_address: string;
  to_address: string | null;
  value: string;
  input: string;
  nonce: number;
  gas: string;
  gas_price: string | null;
  type: number | null;
  status: number | null;
  gas_used: string;
  cumulative_gas_used: string;
  effective_gas_price: string | null;
  contract_address: string | null;
}

export interface LogRow {
  block_number: number;
  log_index: number;
  block_hash: string;
  tx_hash: string;
  tx_index: number;
  address: string;
  topic0: string | null;
  topic1: string | null;
  topic2: string | null;
  topic3: string | null;
  data: string;
  contract: string | null;
  event: string | null;
  /** Decoded arguments as JSON text (stored as jsonb as it is); null when not decoded. */
  args: string | null;
}

export interface BlockData {
  block: BlockRow;
  transactions: TransactionRow[];
  logs: LogRow[];
}

export function logTopics(log: Pick<LogRow, "topic0" | "topic1" | "topic2" | "topic3">): string[] {
  const topics: string[] = [];
  for (const topic of [log.topic0, log.topic1, log.topic2, log.topic3]) {
    if (topic === null) break;
    topics.push(topic);
  }
  return topics;
}
