import { rpcErrorCodes } from "./errors.ts";
import type { JsonRpcErrorObject, JsonRpcId, JsonRpcRequest } from "./types.ts";

export type ValidatedItem =
  | { ok: true; request: JsonRpcRequest }
  | { ok: false; id: JsonRpcId; error: JsonRpcErrorObject };

/** Checks one batch item or single body against the JSON-RPC 2.0 request shape. */
export function validateRequest(item: unknown): ValidatedItem {
  if (typeof item !== "object" || item === null || Array.isArray(item)) {
    return invalid(null, "a request must be a JSON object");
  }
  const record = item as Record<string, unknown>;
  const id = record.id;
  const validId =
    id === undefined || id === null || typeof id === "string" || Number.isFinite(id as number);
  const echoId: JsonRpcId = validId && id !== undefined ? (id as JsonRpcId) : null;
  if (!validId) return invalid(null, "id must be a string, a number or null");
  if (record.jsonrpc !== "2.0") return invalid(echoId, 'jsonrpc must be exactly "2.0"');
  if (typeof record.method !== "string" || record.method.length === 0) {
    return invalid(echoId, "method must be a non-empty string");
  }
  if (record.method.length > 128) return invalid(echoId, "method name is too long");
  const params = record.params;
  if (params !== undefined && (typeof params !== "object" || params === null)) {
    return invalid(echoId, "params must be an array or an object");
  }
  const request: JsonRpcRequest = { jsonrpc: "2.0", method: record.method };
  if (id !== undefined) request.id = id as JsonRpcId;
  if (params !== undefined) request.params = params as JsonRpcRequest["params"] & object;
  return { ok: true, request };
}

function invalid(id: JsonRpcId, message: string): ValidatedItem {
  return {
    ok: false,
    id,
    error: { code: rpcErrorCodes.invalidRequest, message: `invalid request: ${message}` },
  };
}
