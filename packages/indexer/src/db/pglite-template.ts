import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
} from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import type { Database } from "./database.ts";
import { pgliteDatabase } from "./pglite-database.ts";

/** What a template holds besides an empty cluster; `id` changes whenever `apply` would. */
export interface TemplateSchema {
  id: string;
  apply(db: Database): Promise<unknown>;
}

/** Changes whenever the template is built differently, so caches of older layouts are unused. */
const TEMPLATE_LAYOUT = "2: postgres database only, shared_buffers";

/**
 * Postgres zeroes its whole buffer pool at start, which in WebAssembly took half of PGlite's
 * start (the default 128 MB: ~0.4 s and ~120 MB more resident). An indexer of a local chain
 * reads its recent blocks back, and older pages come from the OS page cache.
 */
const SHARED_BUFFERS = "32MB";

/**
 * PGlite's initdb takes seconds (and most of its peak memory), and running the migrations on
 * it a few hundred milliseconds more; a new data dir is instead seeded from a cluster built
 * once per machine, PGlite version and schema, under the user's cache.
 *
 * The template keeps only the `postgres` database PGlite connects to: template0 and template1
 * are two thirds of a fresh cluster's ~970 files, and creating files, not copying bytes, is
 * what the seed costs (about 1 ms a file on an ext4 VM disk).
 */
export async function seedPgliteDataDir(pgdata: string, schema: TemplateSchema): Promise<void> {
  if (existsSync(join(pgdata, "PG_VERSION"))) return;
  const template = await templateDir(schema);
  mkdirSync(dirname(pgdata), { recursive: true });
  // Copied beside the target and renamed, so a crash mid-copy never leaves half a cluster.
  const staging = mkdtempSync(`${pgdata}.seed-`);
  try {
    cpSync(template, staging, { recursive: true });
    rmSync(pgdata, { recursive: true, force: true });
    renameSync(staging, pgdata);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

async function templateDir(schema: TemplateSchema): Promise<string> {
  const cacheHome = process.env.XDG_CACHE_HOME || join(homedir(), ".cache");
  const root = join(cacheHome, "cryptokube");
  const key = createHash("sha256").update(`${TEMPLATE_LAYOUT}\n${schema.id}`).digest("hex");
  const dir = join(root, `pglite-template-${pgliteVersion()}-${key.slice(0, 12)}`);
  if (existsSync(join(dir, "PG_VERSION"))) return dir;
  mkdirSync(root, { recursive: true });
  const building = mkdtempSync(join(root, "pglite-template-build-"));
  try {
    const db = pgliteDatabase(await PGlite.create({ dataDir: building }));
    try {
      // Nothing here creates databases, so the templates for CREATE DATABASE can go.
      await db.query(
        "UPDATE pg_database SET datistemplate = false WHERE datname IN ('template0', 'template1')",
      );
      await db.query("DROP DATABASE template0");
      await db.query("DROP DATABASE template1");
      await db.query(`ALTER SYSTEM SET shared_buffers = '${SHARED_BUFFERS}'`);
      await schema.apply(db);
    } finally {
      await db.close();
    }
    renameSync(building, dir);
  } catch (error) {
    // Another process may have won the race; its template is as good as ours.
    if (!existsSync(join(dir, "PG_VERSION"))) throw error;
  } finally {
    rmSync(building, { recursive: true, force: true });
  }
  return dir;
}

function pgliteVersion(): string {
  // The package exports no ./package.json; its entry is dist/index.js.
  const pkg = fileURLToPath(
    new URL("../package.json", import.meta.resolve("@electric-sql/pglite")),
  );
  return (JSON.parse(readFileSync(pkg, "utf8")) as { version: string }).version;
}
