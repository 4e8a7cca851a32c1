/**
 * Runs PGlite in a worker thread (see pglite-in-worker.ts): opens the data dir it is given and
 * serves queries, binary COPYs and transactions from the indexer's main thread.
 */
import { parentPort, workerData } from "node:worker_threads";
import { PGlite, type Transaction } from "@electric-sql/pglite";
import type { WorkerReply, WorkerRequest } from "./pglite-worker-protocol.ts";
import { copyTemplate, hasCluster } from "./seed-data-dir.ts";

if (parentPort === null) throw new Error("pglite-worker.ts runs as a worker thread only");
const port = parentPort;

const { dataDir, seedFrom } = workerData as { dataDir: string; seedFrom: string | undefined };
/** Thrown inside PGlite's transaction callback to make it roll back. */
const ROLLBACK = Symbol("rollback");

interface OpenTransaction {
  /** Set once PGlite has begun the transaction. */
  tx: Transaction | undefined;
  /** COMMIT (or ROLLBACK), answering the end request `requestId` when done. */
  end(requestId: number, commit: boolean): void;
}
const transactions = new Map<number, OpenTransaction>();
let nextTransaction = 0;

function reply(message: WorkerReply): void {
  port.postMessage(message);
}

function fail(id: number, error: unknown): void {
  const e = error as Error & Record<string, unknown>;
  // Postgres' fields (code, detail, hint, position…) travel along, so errors read as before.
  const fields: Record<string, string> = {};
  for (const key of ["code", "detail", "hint", "position", "table", "column", "constraint"]) {
    if (typeof e[key] === "string") fields[key] = e[key];
  }
  reply({ id, ok: false, error: { message: String(e?.message ?? error), fields } });
}

try {
  if (seedFrom !== undefined && !hasCluster(dataDir)) copyTemplate(seedFrom, dataDir);
  const db = await PGlite.create({ dataDir });

  function begin(id: number): void {
    const handle = nextTransaction++;
    let started = false;
    let endRequest = -1;
    let decide!: (commit: boolean) => void;
    const decided = new Promise<boolean>((resolve) => {
      decide = resolve;
    });
    const open: OpenTransaction = {
      tx: undefined,
      end(requestId, commit) {
        endRequest = requestId;
        decide(commit);
      },
    };
    transactions.set(handle, open);
    db.transaction(async (tx) => {
      started = true;
      open.tx = tx;
      reply({ id, ok: true, tx: handle });
      if (!(await decided)) throw ROLLBACK;
    }).then(
      () => settled(undefined),
      (error: unknown) => settled(error),
    );
    function settled(error: unknown): void {
      transactions.delete(handle);
      // A BEGIN that failed answers the begin request; anything later, the end request.
      const answering = started ? endRequest : id;
      if (error === undefined || error === ROLLBACK) reply({ id: answering, ok: true });
      else fail(answering, error);
    }
  }

  async function serve(request: WorkerRequest): Promise<void> {
    switch (request.op) {
      case "query": {
        const target = request.tx === undefined ? db : transactions.get(request.tx)?.tx;
        if (target === undefined) throw new Error(`no open transaction ${request.tx}`);
        const result = await target.query(
          request.text,
          request.params,
          request.copy === undefined ? undefined : { blob: new Blob([request.copy]) },
        );
        reply({ id: request.id, ok: true, rows: result.rows });
        return;
      }
      case "begin":
        begin(request.id);
        return;
      case "end": {
        const open = transactions.get(request.tx);
        if (open === undefined) throw new Error(`no open transaction ${request.tx}`);
        open.end(request.id, request.commit);
        return;
      }
      case "close":
        await db.close();
        reply({ id: request.id, ok: true });
        port.close();
        return;
    }
  }

  port.on("message", (request: WorkerRequest) => {
    serve(request).catch((error: unknown) => fail(request.id, error));
  });
  reply({ id: -1, ok: true });
} catch (error) {
  fail(-1, error);
}
