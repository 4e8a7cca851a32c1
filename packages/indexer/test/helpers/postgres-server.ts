import assert from "node:assert/strict";
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "node:test";
import pg from "pg";
import { waitFor } from "./wait-for.ts";

const BIN = "/usr/lib/postgresql/15/bin";

export interface PostgresServer {
  port: number;
  /** The postmaster's pid (its backends are its children). */
  pid: number;
  /** libpq variables for a fresh database created by `createDatabase`. */
  envFor(database: string): NodeJS.ProcessEnv;
  createDatabase(name: string): Promise<void>;
  stop(): Promise<void>;
}

export const postgresAvailable = existsSync(join(BIN, "postgres"));

const HOW_TO = `needs PostgreSQL 15 in ${BIN}: apt-get install postgresql (.ci/run installs it)`;

/**
 * Whether a test that needs the server can run: outside CI a missing server skips it; in CI
 * (CI set) it is a failure that says how to install one.
 */
export function needPostgres(t: TestContext): boolean {
  if (postgresAvailable) return true;
  if (process.env.CI !== undefined && process.env.CI !== "" && process.env.CI !== "false")
    assert.fail(HOW_TO);
  t.skip(HOW_TO);
  return false;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * A real PostgreSQL 15 server (Debian's binaries) in a temp dir on a random loopback port,
 * started with trust auth and fsync off (tests need speed, not durability). Runs as the
 * `postgres` user when the tests run as root, since postgres refuses to run as root.
 */
export async function startPostgresServer(): Promise<PostgresServer> {
  const dir = mkdtempSync(join(tmpdir(), "ck-indexer-pg-"));
  const asRoot = process.getuid?.() === 0;
  const ids = asRoot
    ? {
        uid: Number(execFileSync("id", ["-u", "postgres"]).toString().trim()),
        gid: Number(execFileSync("id", ["-g", "postgres"]).toString().trim()),
      }
    : {};
  if (asRoot) chownSync(dir, ids.uid!, ids.gid!);
  const data = join(dir, "data");
  execFileSync(
    join(BIN, "initdb"),
    ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions"],
    { ...ids, stdio: "pipe", cwd: dir },
  );
  let child: ChildProcess | undefined;
  let port = 0;
  let output = "";
  for (let attempt = 0; attempt < 3 && child === undefined; attempt++) {
    port = await freePort();
    const started = spawn(
      join(BIN, "postgres"),
      [
        "-D",
        data,
        "-p",
        String(port),
        "-k",
        dir,
        "-c",
        "listen_addresses=127.0.0.1",
        "-c",
        "fsync=off",
        "-c",
        "synchronous_commit=off",
        "-c",
        "full_page_writes=off",
        "-c",
        "max_connections=40",
      ],
      { ...ids, stdio: ["ignore", "pipe", "pipe"], cwd: dir },
    );
    started.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    started.stdout?.resume();
    try {
      await waitFor(
        "postgres to accept connections",
        async () => {
          if (started.exitCode !== null) throw new Error(`postgres exited: ${output}`);
          const client = new pg.Client({
            host: "127.0.0.1",
            port,
            user: "postgres",
            database: "postgres",
          });
          await client.connect();
          await client.end();
          return true;
        },
        15_000,
        100,
      );
      child = started;
    } catch {
      started.kill("SIGKILL");
    }
  }
  if (child === undefined) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`postgres did not start: ${output}`);
  }
  const running = child;
  const admin = () =>
    new pg.Client({ host: "127.0.0.1", port, user: "postgres", database: "postgres" });
  return {
    port,
    pid: running.pid ?? 0,
    envFor: (database) => ({
      PGHOST: "127.0.0.1",
      PGPORT: String(port),
      PGUSER: "postgres",
      PGDATABASE: database,
    }),
    async createDatabase(name) {
      const client = admin();
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name}"`);
      } finally {
        await client.end();
      }
    },
    async stop() {
      if (running.exitCode === null) {
        const exited = new Promise((resolve) => running.once("exit", resolve));
        running.kill("SIGINT"); // fast shutdown
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
        if (running.exitCode === null) running.kill("SIGKILL");
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
