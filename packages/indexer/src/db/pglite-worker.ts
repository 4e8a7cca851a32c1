/**
 * Worker thread owning PGlite (see open-pglite.ts). PGlite runs Postgres synchronously on the
 * thread that calls it; here, its COPYs and commits no longer stall the thread that fetches
 * and decodes blocks. Statements run in arrival order; a transaction holds PGlite's own lock,
 * so statements from outside it (API reads) wait until it ends, as they did in-process.
 */
import { parentPort, workerData } from "node:worker_threads";
import { PGlite, type Transaction } from "@electric-sql/pglite";
import {
  toWorkerError,
  type WorkerHello,
  type WorkerReply,
  type WorkerRequest,
} from "./pglite-protocol.ts";

type TxRequest = Exclude<WorkerRequest, { op: "begin" } | { op: "close" }>;

/** Requests of one open transaction, consumed in order by its callback. */
interface TxQueue {
  push(request: TxRequest): void;
  next(): Promise<TxRequest>;
}

function createTxQueue(): TxQueue {
  const items: TxRequest[] = [];
  let waiting: ((request: TxRequest) => void) | undefined;
  return {
    push(request) {
      if (waiting === undefined) items.push(request);
      else {
        const resolve = waiting;
        waiting = undefined;
        resolve(request);
      }
    },
    next() {
      const item = items.shift();
      if (item !== undefined) return Promise.resolve(item);
      return new Promise((resolve) => {
        waiting = resolve;
      });
    },
  };
}

/** Thrown inside PGlite's transaction callback to make it roll back. */
const ROLLBACK = Symbol("rollback");

const port = parentPort;
if (port === null) throw new Error("pglite-worker.ts must run as a worker thread");
const { dataDir } = workerData as { dataDir: string };

const reply = (message: WorkerReply) => port.postMessage(message);
const fail = (id: number, error: unknown) => reply({ id, ok: false, error: toWorkerError(error) });

async function run(target: Pick<PGlite, "query">, request: TxRequest): Promise<unknown[]> {
  if (request.op === "query") return (await target.query(request.text, request.params)).rows;
  if (request.op === "copy") {
    await target.query(
      `COPY ${request.table} (${request.columns.join(", ")}) FROM '/dev/blob' WITH (FORMAT binary)`,
      [],
      { blob: new Blob([request.data]) },
    );
    return [];
  }
  throw new Error(`unexpected ${request.op} outside a transaction`);
}

function begin(db: PGlite, id: number, txId: number, queues: Map<number, TxQueue>): void {
  const queue = createTxQueue();
  queues.set(txId, queue);
  let end: Extract<WorkerRequest, { op: "end" }> | undefined;
  db.transaction(async (tx: Transaction) => {
    reply({ id, ok: true });
    for (;;) {
      const request = await queue.next();
      if (request.op === "end") {
        end = request;
        if (!request.commit) throw ROLLBACK;
        return;
      }
      try {
        reply({ id: request.id, ok: true, rows: await run(tx, request) });
      } catch (error) {
        fail(request.id, error);
      }
    }
  }).then(
    () => reply({ id: end!.id, ok: true }),
    (error: unknown) => {
      if (error === ROLLBACK) reply({ id: end!.id, ok: true });
      // Without an end request, BEGIN itself failed: that is the begin request's answer.
      else fail(end?.id ?? id, error);
    },
  );
}

try {
  const db = await PGlite.create({ dataDir });
  const queues = new Map<number, TxQueue>();
  port.on("message", (request: WorkerRequest) => {
    if (request.op === "begin") {
      begin(db, request.id, request.tx, queues);
      return;
    }
    if (request.op === "close") {
      db.close().then(
        () => reply({ id: request.id, ok: true }),
        (error: unknown) => fail(request.id, error),
      );
      return;
    }
    if (request.tx !== null) {
      const queue = queues.get(request.tx);
      if (queue === undefined) fail(request.id, new Error(`transaction ${request.tx} is not open`));
      else {
        if (request.op === "end") queues.delete(request.tx);
        queue.push(request);
      }
      return;
    }
    run(db, request).then(
      (rows) => reply({ id: request.id, ok: true, rows }),
      (error: unknown) => fail(request.id, error),
    );
  });
  port.postMessage({ ready: true } satisfies WorkerHello);
} catch (error) {
  port.postMessage({ ready: false, error: toWorkerError(error) } satisfies WorkerHello);
}
