import { join } from "node:path";
import type { IndexerConfig } from "../config/schema.ts";
import type { Database } from "./database.ts";
import { migratedSchema } from "./migrate.ts";
import { openPglite } from "./open-pglite.ts";

/**
 * Opens the configured database: PGlite under `<dataDir>/pgdata` (new ones already migrated),
 * or a Postgres server.
 */
export async function openDatabase(
  config: IndexerConfig["database"],
  env: NodeJS.ProcessEnv = process.env,
): Promise<Database> {
  if (config.kind === "pglite") return openPglite(join(config.dataDir, "pgdata"), migratedSchema());
  // Loaded only for a server: an embedded indexer never needs the driver.
  const { openPostgres } = await import("./open-postgres.ts");
  return openPostgres({ urlEnv: config.urlEnv, env });
}
