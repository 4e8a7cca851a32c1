import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { CryptoKubeError } from "@cryptokube/core";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import type { Column, Database, Sql } from "./database.ts";
import { toCopyBinary } from "./to-copy-binary.ts";

/** Rows per COPY: each one is a single buffer in memory, a few MB at most. */
const ROWS_PER_COPY = 4_000;

/**
 * Binary COPY, the same rows PGlite takes: the server stores each field as it is, where an
 * INSERT from a JSON parameter made it parse the JSON and every value (about half the
 * server's CPU in the backfill benchmark), and made this process stringify it.
 */
async function copyRows(
  client: pg.PoolClient,
  table: string,
  columns: readonly Column[],
  rows: readonly object[],
): Promise<void> {
  const names = columns.map(([name]) => name).join(", ");
  for (let start = 0; start < rows.length; start += ROWS_PER_COPY) {
    const data = toCopyBinary(columns, rows.slice(start, start + ROWS_PER_COPY));
    await pipeline(
      Readable.from([data]),
      client.query(copyFrom(`COPY ${table} (${names}) FROM STDIN WITH (FORMAT binary)`)),
    );
  }
}

export interface PostgresOptions {
  /** Name of an env var holding a DSN; without it node-postgres reads PGHOST, PGPORT, PGUSER... */
  urlEnv?: string | undefined;
  env?: NodeJS.ProcessEnv;
  maxConnections?: number;
}

/** A Postgres server through a small node-postgres pool; checks the connection before returning. */
export async function openPostgres(options: PostgresOptions): Promise<Database> {
  const env = options.env ?? process.env;
  let connectionString: string | undefined;
  if (options.urlEnv !== undefined) {
    connectionString = env[options.urlEnv];
    if (connectionString === undefined || connectionString === "") {
      throw new CryptoKubeError(`environment variable ${options.urlEnv} is not set`, {
        code: "INDEXER_DB_CONFIG",
        hint: `set ${options.urlEnv} to a DSN such as postgres://user:password@host:5432/db`,
      });
    }
  }
  const pool = new pg.Pool({
    ...(connectionString === undefined ? libpqEnv(env) : { connectionString }),
    max: options.maxConnections ?? 6,
    // BIGINT and NUMERIC stay strings by default: no precision is lost.
  });
  // An idle client losing its server must not crash the process; the next query reports it.
  pool.on("error", () => {});
  try {
    await pool.query("SELECT 1");
  } catch (error) {
    await pool.end().catch(() => {});
    throw new CryptoKubeError(`cannot connect to Postgres: ${(error as Error).message}`, {
      code: "INDEXER_DB_UNREACHABLE",
      retryable: true,
      cause: error,
      hint:
        options.urlEnv === undefined
          ? "check PGHOST, PGPORT, PGUSER, PGPASSWORD and PGDATABASE"
          : `check the DSN in ${options.urlEnv}`,
    });
  }
  const wrap = (target: pg.Pool | pg.PoolClient): Sql => ({
    async query<T extends object>(text: string, params: unknown[] = []) {
      const result = await target.query(text, params);
      return result.rows as T[];
    },
    async insertRows(table, columns, rows) {
      if (rows.length === 0) return;
      // A COPY holds its connection until done; from the pool it takes one of its own.
      if (!(target instanceof pg.Pool)) return copyRows(target, table, columns, rows);
      const client = await target.connect();
      try {
        await copyRows(client, table, columns, rows);
      } finally {
        client.release();
      }
    },
  });
  return {
    kind: "postgres",
    ...wrap(pool),
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const value = await fn(wrap(client));
        await client.query("COMMIT");
        return value;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

/** node-postgres reads PG* from process.env only; take them from the given environment. */
function libpqEnv(env: NodeJS.ProcessEnv): pg.PoolConfig {
  const config: pg.PoolConfig = {};
  if (env.PGHOST !== undefined) config.host = env.PGHOST;
  if (env.PGPORT !== undefined) config.port = Number(env.PGPORT);
  if (env.PGUSER !== undefined) config.user = env.PGUSER;
  if (env.PGPASSWORD !== undefined) config.password = env.PGPASSWORD;
  if (env.PGDATABASE !== undefined) config.database = env.PGDATABASE;
  return config;
}
