import { CryptoKubeError } from "@cryptokube/core";
import { type Sql, toNumber } from "../db/database.ts";

export interface Checkpoint {
  chainId: number;
  startBlock: number;
  /** Highest committed block; startBlock - 1 before the first. */
  number: number;
  hash: string | null;
}

/**
 * Reads the checkpoint, creating it on first start. A database that already holds another
 * chain is refused rather than mixed.
 */
export async function initCheckpoint(
  db: Sql,
  chainId: number,
  startBlock: number,
): Promise<Checkpoint> {
  await db.query(
    `INSERT INTO sync_state (id, chain_id, start_block, indexed_number, indexed_hash)
     VALUES (1, $1, $2, $3, NULL) ON CONFLICT (id) DO NOTHING`,
    [chainId, startBlock, startBlock - 1],
  );
  const checkpoint = await readCheckpoint(db);
  if (checkpoint.chainId !== chainId) {
    throw new CryptoKubeError(
      `the database indexes chain ${checkpoint.chainId}, but the RPC serves chain ${chainId}`,
      {
        code: "INDEXER_CHAIN_MISMATCH",
        hint: "point the indexer at the right chain, or give it a fresh database",
      },
    );
  }
  return checkpoint;
}

export async function readCheckpoint(db: Sql): Promise<Checkpoint> {
  const [row] = await db.query<{
    chain_id: unknown;
    start_block: unknown;
    indexed_number: unknown;
    indexed_hash: string | null;
  }>("SELECT chain_id, start_block, indexed_number, indexed_hash FROM sync_state WHERE id = 1");
  if (row === undefined) {
    throw new CryptoKubeError("sync_state has no checkpoint row", { code: "INDEXER_STATE" });
  }
  return {
    chainId: toNumber(row.chain_id),
    startBlock: toNumber(row.start_block),
    number: toNumber(row.indexed_number),
    hash: row.indexed_hash,
  };
}

/** Moves the checkpoint; callers do it in the same transaction as the data it covers. */
export async function writeCheckpoint(tx: Sql, number: number, hash: string | null): Promise<void> {
  await tx.query(
    "UPDATE sync_state SET indexed_number = $1, indexed_hash = $2, updated_at = now() WHERE id = 1",
    [number, hash],
  );
}

/** The stored hash of block `number`, if indexed. */
export async function storedHash(db: Sql, number: number): Promise<string | undefined> {
  const [row] = await db.query<{ hash: string }>("SELECT hash FROM blocks WHERE number = $1", [
    number,
  ]);
  return row?.hash;
}
