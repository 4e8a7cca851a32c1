import type { RpcErrorObject } from "./edr-chain.ts";
import type { RpcConnection, RpcHandler } from "./rpc-handler.ts";

type RpcId = string | number | null;

export type JsonRpcResponse =
  | { jsonrpc: "2.0"; id: RpcId; result: unknown }
  | { jsonrpc: "2.0"; id: RpcId; error: RpcErrorObject };

const MAX_BATCH = 1000;

/**
 * Turns one JSON-RPC message (a request or a batch, as text) into its answer text,
 * or undefined when nothing must be sent (only notifications). Never throws: any
 * malformed input becomes a standard JSON-RPC error object.
 */
export async function answerJsonRpcMessage(
  text: string,
  handler: RpcHandler,
  connection: RpcConnection,
): Promise<string | undefined> {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return JSON.stringify(errorResponse(null, -32700, "Parse error: the body is not valid JSON"));
  }
  if (!Array.isArray(message)) {
    const response = await answerRequest(message, handler, connection);
    return response === undefined ? undefined : JSON.stringify(response);
  }
  if (message.length === 0) {
    return JSON.stringify(errorResponse(null, -32600, "Invalid Request: empty batch"));
  }
  if (message.length > MAX_BATCH) {
    return JSON.stringify(
      errorResponse(null, -32600, `Invalid Request: batch larger than ${MAX_BATCH} requests`),
    );
  }
  // Sequential, so a batch like [send transaction, read balance] sees its own writes.
  const responses: JsonRpcResponse[] = [];
  for (const request of message) {
    const response = await answerRequest(request, handler, connection);
    if (response !== undefined) responses.push(response);
  }
  return responses.length === 0 ? undefined : JSON.stringify(responses);
}

async function answerRequest(
  request: unknown,
  handler: RpcHandler,
  connection: RpcConnection,
): Promise<JsonRpcResponse | undefined> {
  if (typeof request !== "object" || request === null || Array.isArray(request)) {
    return errorResponse(null, -32600, "Invalid Request: expected a JSON-RPC request object");
  }
  const { id, method, params } = request as { id?: unknown; method?: unknown; params?: unknown };
  const isNotification = !("id" in request);
  const validId: RpcId =
    typeof id === "string" || typeof id === "number" || id === null ? (id as RpcId) : null;
  if (!isNotification && validId === null && id !== null) {
    return errorResponse(null, -32600, "Invalid Request: id must be a string, number or null");
  }
  if (typeof method !== "string" || method.length === 0) {
    return errorResponse(validId, -32600, "Invalid Request: method must be a non-empty string");
  }
  if (params !== undefined && !Array.isArray(params)) {
    return errorResponse(validId, -32602, `Invalid params: ${method} expects params as an array`);
  }
  const outcome = await handler.call(method, params ?? [], connection);
  if (isNotification) return undefined;
  return "error" in outcome
    ? { jsonrpc: "2.0", id: validId, error: outcome.error }
    : { jsonrpc: "2.0", id: validId, result: outcome.result };
}

function errorResponse(id: RpcId, code: number, message: string): JsonRpcResponse {
  return { jsonrpc: "2.0", id, error: { code, message } };
}
