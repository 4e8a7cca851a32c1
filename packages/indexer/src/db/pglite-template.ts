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

/**
 * PGlite's initdb takes seconds (and most of its peak memory); a new data dir is instead
 * seeded from an empty cluster initialised once per machine and PGlite version, under the
 * user's cache. The copy is a plain empty cluster: migrations still run on it.
 */
export async function seedPgliteDataDir(pgdata: string): Promise<void> {
  if (existsSync(join(pgdata, "PG_VERSION"))) return;
  const template = await templateDir();
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

async function templateDir(): Promise<string> {
  const cacheHome = process.env.XDG_CACHE_HOME || join(homedir(), ".cache");
  const root = join(cacheHome, "cryptokube");
  const dir = join(root, `pglite-template-${pgliteVersion()}`);
  if (existsSync(join(dir, "PG_VERSION"))) return dir;
  mkdirSync(root, { recursive: true });
  const building = mkdtempSync(join(root, "pglite-template-build-"));
  try {
    const db = await PGlite.create({ dataDir: building });
    await db.close();
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
