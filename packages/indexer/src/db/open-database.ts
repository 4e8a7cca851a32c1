import { join } from "node:path";
import type { IndexerConfig } from "../config/schema.ts";
import type { Database } from "./database.ts";
import { migratedSchema } from "./migrate.ts";
import { openPglite } from "./open-pglite.ts";
import { openPostgres } from "./open-postgres.ts";

/**
 * Opens the configured database: PGlite under `<dataDir>/pgdata` (new ones already migrated),
 * or a Postgres server.
 */
export function openDatabase(
  config: IndexerConfig["database"],
  env: NodeJS.ProcessEnv = process.env,
): Promise<Database> {
  if (config.kind === "pglite") return openPglite(join(config.dataDir, "pgdata"), migratedSchema());
  return openPostgres({ urlEnv: config.urlEnv, env });
}
