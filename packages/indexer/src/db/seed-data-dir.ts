import { cpSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";

/** Whether `pgdata` already holds a Postgres cluster. */
export function hasCluster(pgdata: string): boolean {
  return existsSync(join(pgdata, "PG_VERSION"));
}

/**
 * Copies a template cluster to `pgdata`: beside the target first, then renamed, so a crash
 * mid-copy never leaves half a cluster. Synchronous (Node's native recursive copy): it runs
 * in the PGlite worker, before the database opens.
 */
export function copyTemplate(template: string, pgdata: string): void {
  mkdirSync(dirname(pgdata), { recursive: true });
  const staging = mkdtempSync(`${pgdata}.seed-`);
  try {
    cpSync(template, staging, { recursive: true });
    rmSync(pgdata, { recursive: true, force: true });
    renameSync(staging, pgdata);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
