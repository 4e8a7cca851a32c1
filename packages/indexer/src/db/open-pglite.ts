import { PGlite } from "@electric-sql/pglite";
import type { Database, Sql } from "./database.ts";
import { seedPgliteDataDir } from "./pglite-template.ts";
import { toCopyBinary } from "./to-copy-binary.ts";

/**
 * PGlite (Postgres compiled to WebAssembly) stored under `dataDir`, in this thread.
 *
 * Durability: a transaction's promise resolves only after its COMMIT has written the WAL to
 * the data dir, so a killed process (kill -9) loses nothing committed; the crash-safety
 * guarantee relies on that. PGlite on Node does not fsync (its fdatasync is a no-op and
 * `relaxedDurability` has no effect on a Node data dir), so an OS crash can lose recent commits.
 */
export async function openPglite(dataDir: string): Promise<Database> {
  await seedPgliteDataDir(dataDir);
  const db = await PGlite.create({ dataDir });
  const wrap = (target: Pick<PGlite, "query">): Sql => ({
    async query<T extends object>(text: string, params: unknown[] = []) {
      const result = await target.query<T>(text, params);
      return result.rows;
    },
    async insertRows(table, columns, rows) {
      if (rows.length === 0) return;
      // Binary COPY: Postgres takes each field as it is instead of parsing text, which in
      // WebAssembly is a good part of a COPY's cost (about 15% less than CSV for logs).
      await target.query(
        `COPY ${table} (${columns.map(([name]) => name).join(", ")}) FROM '/dev/blob' WITH (FORMAT binary)`,
        [],
        { blob: new Blob([toCopyBinary(columns, rows)]) },
      );
    },
  });
  return {
    kind: "pglite",
    ...wrap(db),
    transaction: (fn) => db.transaction((tx) => fn(wrap(tx))),
    close: () => db.close(),
  };
}
