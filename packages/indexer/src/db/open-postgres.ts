import { CryptoKubeError } from "@cryptokube/core";
import pg from "pg";
import type { Column, Database, Sql } from "./database.ts";

/** Rows per INSERT: keeps each JSON parameter to a few MB. */
const ROWS_PER_STATEMENT = 4_000;

/** One parameter per statement, parsed by the server (node-postgres has no COPY built in). */
function jsonInsert(table: string, columns: readonly Column[]): string {
  const names = columns.map(([name]) => name).join(", ");
  const types = columns.map(([name, type]) => `${name} ${type}`).join(", ");
  return `INSERT INTO ${table} (${names}) SELECT ${names} FROM json_to_recordset($1::json) AS r(${types})`;
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
  const wrap = (target: Pick<pg.Pool | pg.PoolClient, "query">): Sql => ({
    async query<T extends object>(text: string, params: unknown[] = []) {
      const result = await target.query(text, params);
      return result.rows as T[];
    },
    async insertRows(table, columns, rows) {
      for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
        await target.query(jsonInsert(table, columns), [
          JSON.stringify(rows.slice(start, start + ROWS_PER_STATEMENT)),
        ]);
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
