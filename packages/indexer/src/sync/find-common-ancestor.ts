import { CryptoKubeError } from "@cryptokube/core";
import type { ChainClient } from "../chain/create-chain-client.ts";
import type { Sql } from "../db/database.ts";
import { toNumber } from "../db/database.ts";

const STEP = 32;

/**
 * The highest indexed block whose stored hash is still canonical, searching down from `from`
 * in steps (stored hashes in one query, canonical headers in parallel). Returns
 * `startBlock - 1` when nothing indexed survives. Refuses to go below `finalized`: data
 * there is permanent, so a mismatch below it means the node or the config is wrong.
 */
export async function findCommonAncestor(params: {
  db: Sql;
  chain: ChainClient;
  from: number;
  startBlock: number;
  finalized: number;
}): Promise<number> {
  const { db, chain, startBlock, finalized } = params;
  let high = params.from;
  while (high >= startBlock) {
    const low = Math.max(startBlock, high - STEP + 1);
    const rows = await db.query<{ number: unknown; hash: string }>(
      "SELECT number, hash FROM blocks WHERE number BETWEEN $1 AND $2",
      [low, high],
    );
    const stored = new Map(rows.map((row) => [toNumber(row.number), row.hash]));
    const numbers: number[] = [];
    for (let n = high; n >= low; n--) numbers.push(n);
    const headers = await Promise.all(numbers.map((n) => chain.header(n)));
    for (const [i, n] of numbers.entries()) {
      const hash = stored.get(n);
      if (hash !== undefined && headers[i]?.hash === hash) return n;
      if (n <= finalized) {
        throw new CryptoKubeError(
          `block ${n} changed although it is final (at or below block ${finalized})`,
          {
            code: "INDEXER_REORG_TOO_DEEP",
            retryable: true,
            hint:
              "a reorganization deeper than the finality depth: check that the RPC serves the same " +
              "chain, or re-index into a fresh database",
          },
        );
      }
    }
    high = low - 1;
  }
  return startBlock - 1;
}
