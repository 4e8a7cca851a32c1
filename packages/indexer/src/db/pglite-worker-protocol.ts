/** Messages between the indexer's main thread and its PGlite worker (pglite-worker.ts). */

export type WorkerRequest =
  | {
      id: number;
      op: "query";
      /** Runs inside this open transaction; outside any when absent. */
      tx?: number;
      text: string;
      params: unknown[];
      /** COPY … FROM '/dev/blob' input (transferred, not copied). */
      copy?: ArrayBuffer;
    }
  | { id: number; op: "begin" }
  | { id: number; op: "end"; tx: number; commit: boolean }
  | { id: number; op: "close" };

/** Answers carry the request's id; id -1 is the worker's "database open" (or its failure). */
export type WorkerReply =
  | { id: number; ok: true; rows?: unknown[]; tx?: number }
  | { id: number; ok: false; error: { message: string; fields: Record<string, string> } };
