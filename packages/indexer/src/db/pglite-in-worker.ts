import { Worker } from "node:worker_threads";
import { CryptoKubeError } from "@cryptokube/core";
import type { Column, Database, Sql } from "./database.ts";
import type { WorkerReply, WorkerRequest } from "./pglite-worker-protocol.ts";
import { toCopyBinary } from "./to-copy-binary.ts";

type Pending = { resolve(reply: WorkerReply & { ok: true }): void; reject(error: Error): void };
/** A request before it is given its id (Omit over each member of the union). */
type RequestBody = WorkerRequest extends infer R
  ? R extends unknown
    ? Omit<R, "id">
    : never
  : never;

/**
 * PGlite in a worker thread, behind the same Database interface; a data dir without a cluster
 * is first copied from the template `seedFrom` (by the worker, so this thread goes on).
 *
 * Postgres in WebAssembly is CPU-bound, and in the main thread it ran in turns with everything
 * else the indexer does (parsing blocks and receipts, decoding events, serving the API); in a
 * worker, a backfill parses the next blocks while the previous ones are written. Bulk inserts
 * are encoded here and handed over without a copy.
 *
 * PGlite's own locking still orders everything: statements outside a transaction wait for an
 * open one to finish, as they did in one thread. If the worker dies, the database is gone for
 * this process: every call fails with a clear error and the process exits so its supervisor
 * restarts it (committed data is in the WAL).
 */
export async function openPgliteInWorker(dataDir: string, seedFrom?: string): Promise<Database> {
  const worker = new Worker(new URL("./pglite-worker.ts", import.meta.url), {
    workerData: { dataDir, seedFrom },
  });
  const pending = new Map<number, Pending>();
  let nextId = 0;
  let stopped: Error | undefined;
  let closing = false;

  const opened = new Promise<void>((resolve, reject) => {
    pending.set(-1, { resolve: () => resolve(), reject });
  });
  worker.on("message", (reply: WorkerReply) => {
    const waiter = pending.get(reply.id);
    if (waiter === undefined) return;
    pending.delete(reply.id);
    if (reply.ok) waiter.resolve(reply);
    else waiter.reject(databaseError(reply.error));
  });
  const stop = (reason: string) => {
    if (stopped !== undefined) return;
    stopped = new CryptoKubeError(`the embedded database (PGlite worker) stopped: ${reason}`, {
      code: "INDEXER_DATABASE_STOPPED",
    });
    for (const waiter of pending.values()) waiter.reject(stopped);
    pending.clear();
  };
  worker.on("error", (error) => {
    stop(error.message);
    if (!closing)
      setImmediate(() => {
        throw stopped;
      });
  });
  worker.on("exit", (code) => stop(`worker exited with code ${code}`));

  function send(
    body: RequestBody,
    transfer: ArrayBuffer[] = [],
  ): Promise<WorkerReply & { ok: true }> {
    if (stopped !== undefined) return Promise.reject(stopped);
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ ...body, id }, transfer);
    });
  }

  const sql = (tx: number | undefined): Sql => ({
    async query<T extends object>(text: string, params: unknown[] = []) {
      const reply = await send({ op: "query", ...(tx === undefined ? {} : { tx }), text, params });
      return (reply.rows ?? []) as T[];
    },
    async insertRows(table: string, columns: readonly Column[], rows: readonly object[]) {
      if (rows.length === 0) return;
      const bytes = toCopyBinary(columns, rows);
      const copy =
        bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
          ? (bytes.buffer as ArrayBuffer)
          : (bytes.slice().buffer as ArrayBuffer);
      // Binary COPY: Postgres takes each field as it is instead of parsing text, which in
      // WebAssembly is a good part of a COPY's cost (about 15% less than CSV for logs).
      const text = `COPY ${table} (${columns.map(([name]) => name).join(", ")}) FROM '/dev/blob' WITH (FORMAT binary)`;
      await send({ op: "query", ...(tx === undefined ? {} : { tx }), text, params: [], copy }, [
        copy,
      ]);
    },
  });

  await opened.catch(async (error: unknown) => {
    await worker.terminate();
    throw error;
  });
  return {
    kind: "pglite",
    ...sql(undefined),
    async transaction(fn) {
      const { tx } = await send({ op: "begin" });
      if (tx === undefined) throw new Error("the PGlite worker began no transaction");
      let result: Awaited<ReturnType<typeof fn>>;
      try {
        result = await fn(sql(tx));
      } catch (error) {
        await send({ op: "end", tx, commit: false }).catch(() => {});
        throw error;
      }
      await send({ op: "end", tx, commit: true });
      return result;
    },
    async close() {
      if (stopped !== undefined) return;
      closing = true;
      await send({ op: "close" });
      await worker.terminate();
    },
  };
}

/** An Error with Postgres' fields (code, detail…) as the in-thread driver's errors have them. */
function databaseError(error: { message: string; fields: Record<string, string> }): Error {
  return Object.assign(new Error(error.message), error.fields);
}
