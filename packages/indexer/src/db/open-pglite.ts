import { PGlite } from "@electric-sql/pglite";
import type { Database } from "./database.ts";
import { pgliteDatabase } from "./pglite-database.ts";
import { seedPgliteDataDir, type TemplateSchema } from "./pglite-template.ts";

/**
 * PGlite (Postgres compiled to WebAssembly) stored under `dataDir`, in this thread. A new data
 * dir starts as a copy of a per-machine template that already holds `schema`.
 *
 * Durability: a transaction's promise resolves only after its COMMIT has written the WAL to
 * the data dir, so a killed process (kill -9) loses nothing committed; the crash-safety
 * guarantee relies on that. PGlite on Node does not fsync (its fdatasync is a no-op and
 * `relaxedDurability` has no effect on a Node data dir), so an OS crash can lose recent commits.
 */
export async function openPglite(dataDir: string, schema: TemplateSchema): Promise<Database> {
  await seedPgliteDataDir(dataDir, schema);
  return pgliteDatabase(await PGlite.create({ dataDir }));
}
