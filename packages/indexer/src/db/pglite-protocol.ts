/**
 * Messages between the indexer's thread and the worker thread that owns PGlite
 * (pglite-worker.ts). Requests carry an id answered by exactly one reply; `tx` names the
 * open transaction a statement belongs to (null: outside any transaction).
 */
export type WorkerRequest =
  | { id: number; op: "query"; tx: number | null; text: string; params: unknown[] }
  | {
      id: number;
      op: "copy";
      tx: number | null;
      table: string;
      columns: string[];
      /** The rows in COPY's binary format. */
      data: Uint8Array;
    }
  | { id: number; op: "begin"; tx: number }
  | { id: number; op: "end"; tx: number; commit: boolean }
  | { id: number; op: "close" };

/** What survives of a Postgres error across threads (structured clone drops extra fields). */
export interface WorkerError {
  name: string;
  message: string;
  code?: string;
  detail?: string;
  hint?: string;
  severity?: string;
}

export type WorkerReply =
  | { id: number; ok: true; rows?: unknown[] }
  | { id: number; ok: false; error: WorkerError };

/** The worker's first message: PGlite is open, or why it could not be opened. */
export type WorkerHello = { ready: true } | { ready: false; error: WorkerError };

export function toWorkerError(error: unknown): WorkerError {
  if (!(error instanceof Error)) return { name: "Error", message: String(error) };
  const out: WorkerError = { name: error.name, message: error.message };
  const fields = error as unknown as Record<string, unknown>;
  for (const key of ["code", "detail", "hint", "severity"] as const) {
    if (typeof fields[key] === "string") out[key] = fields[key];
  }
  return out;
}

export function fromWorkerError(error: WorkerError): Error {
  const { name, message, ...fields } = error;
  const out = Object.assign(new Error(message), fields);
  out.name = name;
  return out;
}
