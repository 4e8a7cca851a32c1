import { Worker } from "node:worker_threads";
import { CryptoKubeError } from "@cryptokube/core";
import type { Database, Sql } from "./database.ts";
import {
  fromWorkerError,
  type WorkerHello,
  type WorkerReply,
  type WorkerRequest,
} from "./pglite-protocol.ts";
import { seedPgliteDataDir } from "./pglite-template.ts";
import { toCopyBinary } from "./to-copy-binary.ts";

/** A request without its id, which `call` assigns. */
type Request = WorkerRequest extends infer R ? (R extends unknown ? Omit<R, "id"> : never) : never;

/**
 * PGlite (Postgres compiled to WebAssembly) stored under `dataDir`, run in a worker thread
 * (pglite-worker.ts) so that its writes overlap with fetching and decoding on this thread.
 * Rows are encoded here, in COPY's binary format (to-copy-binary.ts), and copied over as bytes. Each transaction commits
 * before its promise resolves, as Postgres' durability rules say; the crash-safety guarantee
 * relies on that.
 */
export async function openPglite(dataDir: string): Promise<Database> {
  await seedPgliteDataDir(dataDir);
  const worker = new Worker(new URL("./pglite-worker.ts", import.meta.url), {
    workerData: { dataDir },
  });
  const pending = new Map<number, { resolve(rows: unknown[]): void; reject(e: Error): void }>();
  let nextId = 1;
  let nextTx = 1;
  let stopped: Error | undefined;

  const stop = (error: Error) => {
    stopped ??= error;
    for (const { reject } of pending.values()) reject(stopped);
    pending.clear();
  };
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    worker.once("error", onError);
    worker.once("message", (hello: WorkerHello) => {
      worker.off("error", onError);
      if (hello.ready) resolve();
      else reject(fromWorkerError(hello.error));
    });
  }).catch(async (error: unknown) => {
    await worker.terminate();
    throw new CryptoKubeError(`cannot open PGlite in ${dataDir}: ${(error as Error).message}`, {
      code: "INDEXER_DB_OPEN",
      cause: error,
      hint: "check that the directory is writable and not used by another indexer",
    });
  });
  worker.on("message", (message: WorkerReply) => {
    const waiter = pending.get(message.id);
    if (waiter === undefined) return;
    pending.delete(message.id);
    if (pending.size === 0) worker.unref();
    if (message.ok) waiter.resolve(message.rows ?? []);
    else waiter.reject(fromWorkerError(message.error));
  });
  worker.on("error", (error) =>
    stop(
      new CryptoKubeError(`the PGlite worker failed: ${error.message}`, {
        code: "INDEXER_DB_WORKER",
        cause: error,
        hint: "restart the indexer; committed data is safe",
      }),
    ),
  );
  worker.on("exit", (code) =>
    stop(
      new CryptoKubeError(`the PGlite worker exited (code ${code})`, {
        code: "INDEXER_DB_WORKER",
        hint: "the database is closed; restart the indexer",
      }),
    ),
  );
  // Idle, the worker does not keep the process alive; a pending request does.
  worker.unref();

  function call(request: Request, transfer: ArrayBuffer[] = []): Promise<unknown[]> {
    if (stopped !== undefined) return Promise.reject(stopped);
    const id = nextId++;
    return new Promise((resolve, reject) => {
      if (pending.size === 0) worker.ref();
      pending.set(id, { resolve, reject });
      worker.postMessage({ ...request, id }, transfer);
    });
  }

  const wrap = (tx: number | null): Sql => ({
    async query<T extends object>(text: string, params: unknown[] = []) {
      return (await call({ op: "query", tx, text, params })) as T[];
    },
    encodeRows: (table, columns, rows) => ({
      table,
      columns,
      count: rows.length,
      payload: toCopyBinary(columns, rows),
    }),
    async insertEncoded({ table, columns, count, payload }) {
      if (count === 0) return;
      // A copy of our own to transfer (moved, not serialized): the caller may insert it again.
      const data = (payload as Uint8Array).slice();
      await call({ op: "copy", tx, table, columns: columns.map(([name]) => name), data }, [
        data.buffer,
      ]);
    },
  });
  let closing: Promise<void> | undefined;
  return {
    kind: "pglite",
    ...wrap(null),
    async transaction(fn) {
      const tx = nextTx++;
      await call({ op: "begin", tx });
      let value: Awaited<ReturnType<typeof fn>>;
      try {
        value = await fn(wrap(tx));
      } catch (error) {
        await call({ op: "end", tx, commit: false }).catch(() => {});
        throw error;
      }
      await call({ op: "end", tx, commit: true });
      return value;
    },
    close() {
      closing ??= (async () => {
        if (stopped === undefined) await call({ op: "close" }).catch(() => {});
        await worker.terminate();
      })();
      return closing;
    },
  };
}
