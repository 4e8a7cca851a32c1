import type { JsonRpcErrorObject, JsonRpcId, RpcOutcome } from "./types.ts";

/** Builds the response text; results are spliced in as JSON text (see RpcOutcome). */
export function serializeOutcome(id: JsonRpcId, outcome: RpcOutcome): string {
  return outcome.ok ? serializeResult(id, outcome.resultJson) : serializeError(id, outcome.error);
}

export function serializeResult(id: JsonRpcId, resultJson: string): string {
  return `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":${resultJson}}`;
}

export function serializeError(id: JsonRpcId, error: JsonRpcErrorObject): string {
  return `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"error":${JSON.stringify(error)}}`;
}
