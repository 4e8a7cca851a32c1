/** What every upstream transport shares: replies, the transport error, call settlement. */
import { CryptoKubeError } from "@cryptokube/core";
import { resultText } from "../rpc/result-text.ts";
import type { JsonRpcErrorObject } from "../rpc/types.ts";

/**
 * What an upstream answered: a result or a JSON-RPC error object. `resultJson` is the
 * result's text as the node sent it, when it could be cut out of the answer (see resultText).
 */
export type UpstreamReply =
  | { result: unknown; resultJson?: string }
  | { error: JsonRpcErrorObject };

export interface UpstreamTransport {
  /** Resolves with the upstream's reply; rejects with UpstreamTransportError when none came. */
  call(method: string, params: unknown, timeoutMs: number): Promise<UpstreamReply>;
  close(): void;
}

/**
 * The upstream could not be reached or answered something that is not JSON-RPC. Always
 * retryable on another upstream. The message names the upstream, never its URL (URLs of hosted
 * providers often embed an API key).
 */
export class UpstreamTransportError extends CryptoKubeError {
  override name = "UpstreamTransportError";
  constructor(upstream: string, reason: string, cause?: unknown) {
    super(`upstream "${upstream}" failed: ${reason}`, {
      code: "GATEWAY_UPSTREAM_UNREACHABLE",
      retryable: true,
      cause,
    });
  }
}

export type Settle = (outcome: UpstreamReply | UpstreamTransportError) => void;

/**
 * The reply to one call. `start` gets the function that settles it (the first outcome wins);
 * without an outcome within `timeoutMs` the call fails as a transport error, after
 * `onTimeout` has let the transport forget it.
 */
export function awaitReply(
  upstream: string,
  method: string,
  timeoutMs: number,
  start: (settle: Settle) => void,
  onTimeout?: () => void,
): Promise<UpstreamReply> {
  return new Promise<UpstreamReply>((resolve, reject) => {
    let settled = false;
    const settle: Settle = (outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (outcome instanceof UpstreamTransportError) reject(outcome);
      else resolve(outcome);
    };
    const timer = setTimeout(() => {
      onTimeout?.();
      settle(new UpstreamTransportError(upstream, `no answer within ${timeoutMs} ms to ${method}`));
    }, timeoutMs);
    start(settle);
  });
}

/**
 * Methods whose cost is unbounded stay out of batches, so one slow call does not hold the
 * answers of cheap calls queued next to it (nodes answer a batch as a whole); for the same
 * reason they stay off a shared WebSocket.
 */
export function batchable(method: string): boolean {
  return method !== "eth_getLogs" && !method.startsWith("debug_") && !method.startsWith("trace_");
}

/**
 * A JSON-RPC answer object as a reply; undefined for anything else. `text`, when given, is
 * the JSON that parsed to `value`, and lets the reply carry the result's own text.
 */
export function decodeReply(value: unknown, text?: string): UpstreamReply | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const record = value as Record<string, unknown>;
  const error = record.error;
  if (typeof error === "object" && error !== null) {
    const e = error as Record<string, unknown>;
    const code = typeof e.code === "number" ? e.code : -32603;
    const message = typeof e.message === "string" ? e.message : "upstream error";
    return e.data === undefined
      ? { error: { code, message } }
      : { error: { code, message, data: e.data } };
  }
  if (!("result" in record)) return undefined;
  const resultJson = text === undefined ? undefined : resultText(text);
  return resultJson === undefined
    ? { result: record.result }
    : { result: record.result, resultJson };
}
