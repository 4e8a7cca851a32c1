import type { Database } from "./database.ts";
import { openPgliteInWorker } from "./pglite-in-worker.ts";
import { pgliteTemplate, type TemplateSchema } from "./pglite-template.ts";
import { hasCluster } from "./seed-data-dir.ts";

/**
 * PGlite (Postgres compiled to WebAssembly) stored under `dataDir`, in a worker thread. A new
 * data dir starts as a copy of a per-machine template that already holds `schema`; the worker
 * makes the copy, so this thread goes on meanwhile.
 *
 * Durability: a transaction's promise resolves only after its COMMIT has written the WAL to
 * the data dir, so a killed process (kill -9) loses nothing committed; the crash-safety
 * guarantee relies on that. PGlite on Node does not fsync (its fdatasync is a no-op and
 * `relaxedDurability` has no effect on a Node data dir), so an OS crash can lose recent commits.
 */
export async function openPglite(dataDir: string, schema: TemplateSchema): Promise<Database> {
  const seedFrom = hasCluster(dataDir) ? undefined : await pgliteTemplate(schema);
  return openPgliteInWorker(dataDir, seedFrom);
}
