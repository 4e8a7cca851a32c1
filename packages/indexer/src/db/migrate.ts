import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CryptoKubeError } from "@cryptokube/core";
import { type Logger, pino } from "pino";
import { type Database, toNumber } from "./database.ts";
import type { TemplateSchema } from "./pglite-template.ts";

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const MIGRATIONS_DIR = join(import.meta.dirname, "migrations");

/** The numbered SQL files in src/db/migrations (`0001_init.sql`...), in order. */
export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((file) => /^\d{4}_[a-z0-9_]+\.sql$/.test(file))
    .sort()
    .map((file) => ({
      version: Number(file.slice(0, 4)),
      name: file.slice(5, -4),
      sql: readFileSync(join(dir, file), "utf8"),
    }));
}

/**
 * Applies the migrations not yet recorded in schema_migrations, all in one transaction under
 * an advisory lock, so two indexers starting at once against one server cannot race.
 * Returns the versions applied.
 */
export async function migrate(
  db: Database,
  logger: Logger,
  migrations = loadMigrations(),
): Promise<number[]> {
  return db.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock(726354001)");
    await tx.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
         version INTEGER PRIMARY KEY,
         name TEXT NOT NULL,
         applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`,
    );
    const rows = await tx.query<{ version: unknown }>("SELECT version FROM schema_migrations");
    const applied = new Set(rows.map((row) => toNumber(row.version)));
    const newest = Math.max(0, ...applied);
    const known = Math.max(0, ...migrations.map((m) => m.version));
    if (newest > known) {
      throw new CryptoKubeError(
        `the database schema is version ${newest}, newer than this indexer knows (${known})`,
        { code: "INDEXER_SCHEMA_NEWER", hint: "run a newer indexer or use a fresh database" },
      );
    }
    const done: number[] = [];
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      for (const statement of splitStatements(migration.sql)) await tx.query(statement);
      await tx.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [
        migration.version,
        migration.name,
      ]);
      logger.info({ version: migration.version, name: migration.name }, "migration applied");
      done.push(migration.version);
    }
    return done;
  });
}

/** The migrations as a PGlite template's schema, so new embedded databases start migrated. */
export function migratedSchema(migrations = loadMigrations()): TemplateSchema {
  return {
    id: migrations.map((m) => `${m.version} ${m.name}\n${m.sql}`).join("\n"),
    apply: (db) => migrate(db, pino({ level: "silent" }), migrations),
  };
}

/** Extended-protocol queries take one statement each; our migrations use no `;` in literals. */
function splitStatements(sql: string): string[] {
  return sql
    .split("\n")
    .filter((line) => !line.trimStart().startsWith("--"))
    .join("\n")
    .split(";")
    .map((statement) => statement.trim())
    .filter((statement) => statement.length > 0);
}
