import assert from "node:assert/strict";
import { createPublicClient, http } from "viem";
import type { Sql } from "../../src/db/database.ts";

interface Snapshot {
  blocks: string[];
  txs: string[];
  logs: string[];
}

/**
 * Reads blocks startBlock..head from the chain with viem (independently of the indexer's own
 * fetch code) and asserts the database holds exactly the same blocks, transactions and logs:
 * nothing missing, nothing extra, nothing twice.
 */
export async function assertDbMatchesChain(
  db: Sql,
  rpc: string,
  startBlock = 0,
): Promise<{ blocks: number; txs: number; logs: number }> {
  const client = createPublicClient({ transport: http(rpc, { batch: { batchSize: 100 } }) });
  const head = Number(await client.getBlockNumber());
  const expected: Snapshot = { blocks: [], txs: [], logs: [] };
  const numbers = Array.from({ length: head - startBlock + 1 }, (_, i) => startBlock + i);
  for (let i = 0; i < numbers.length; i += 200) {
    const blocks = await Promise.all(
      numbers
        .slice(i, i + 200)
        .map((n) => client.getBlock({ blockNumber: BigInt(n), includeTransactions: true })),
    );
    const receipts = await Promise.all(
      blocks.flatMap((b) =>
        b.transactions.map((tx) => client.getTransactionReceipt({ hash: tx.hash })),
      ),
    );
    for (const b of blocks) {
      expected.blocks.push(`${b.number}:${b.hash}:${b.parentHash}:${b.transactions.length}`);
    }
    for (const r of receipts) {
      expected.txs.push(`${r.blockNumber}:${r.transactionIndex}:${r.transactionHash}:${r.status}`);
      for (const log of r.logs) {
        expected.logs.push(
          `${log.blockNumber}:${log.logIndex}:${log.transactionHash}:${log.address}:${log.topics.join(",")}:${log.data}`,
        );
      }
    }
  }
  const actual: Snapshot = {
    blocks: (
      await db.query<{ k: string }>(
        "SELECT number || ':' || hash || ':' || parent_hash || ':' || tx_count AS k FROM blocks ORDER BY number",
      )
    ).map((r) => r.k),
    txs: (
      await db.query<{ k: string }>(
        `SELECT block_number || ':' || tx_index || ':' || hash || ':' ||
           CASE status WHEN 1 THEN 'success' ELSE 'reverted' END AS k
         FROM transactions ORDER BY block_number, tx_index`,
      )
    ).map((r) => r.k),
    logs: (
      await db.query<{ k: string }>(
        `SELECT block_number || ':' || log_index || ':' || tx_hash || ':' || address || ':' ||
           concat_ws(',', topic0, topic1, topic2, topic3) || ':' || data AS k
         FROM logs ORDER BY block_number, log_index`,
      )
    ).map((r) => r.k),
  };
  const lower = (s: Snapshot): Snapshot => ({
    blocks: s.blocks.map((x) => x.toLowerCase()),
    txs: s.txs.map((x) => x.toLowerCase()),
    logs: s.logs.map((x) => x.toLowerCase()),
  });
  const a = lower(actual);
  const e = lower(expected);
  assert.equal(a.blocks.length, e.blocks.length, "block count");
  assert.deepEqual(a.blocks, e.blocks, "blocks differ from the chain");
  assert.equal(a.txs.length, e.txs.length, "transaction count");
  assert.deepEqual(a.txs, e.txs, "transactions differ from the chain");
  assert.equal(a.logs.length, e.logs.length, "log count");
  assert.deepEqual(a.logs, e.logs, "logs differ from the chain");
  return { blocks: a.blocks.length, txs: a.txs.length, logs: a.logs.length };
}
