export type JsonRpcId = string | number | null;

export type JsonRpcParams = unknown[] | Record<string, unknown>;

/** A request that passed shape validation. `id` is absent for notifications. */
export interface JsonRpcRequest {
  jsonrpc: "2.0";
  id?: JsonRpcId;
  method: string;
  params?: JsonRpcParams;
}

export interface JsonRpcErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

/**
 * The answer to one request as the gateway's pipeline sees it. Results are kept as JSON text so
 * cached answers are written out without being serialised again. `source` names who answered:
 * an upstream's name, "cache", or "gateway" (answered locally or refused).
 */
export type RpcOutcome =
  | { ok: true; resultJson: string; source: string }
  | { ok: false; error: JsonRpcErrorObject; source: string };
