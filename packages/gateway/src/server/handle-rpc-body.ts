import type { ApiKeyEntry } from "../access/api-keys.ts";
import type { GatewayLimits } from "../config/schema.ts";
import type { FilterRegistry } from "../filters/filter-registry.ts";
import type { GatewayMetrics } from "../metrics/create-metrics.ts";
import type { ChainRuntime } from "../routing/create-chain-runtime.ts";
import { RpcError, rpcErrorCodes, toRpcErrorObject } from "../rpc/errors.ts";
import { parseRpcBody } from "../rpc/parse-body.ts";
import { serializeError, serializeOutcome } from "../rpc/serialize-response.ts";
import type { JsonRpcRequest, RpcOutcome } from "../rpc/types.ts";
import { validateRequest } from "../rpc/validate-request.ts";

export interface RpcBodyContext {
  chain: ChainRuntime;
  /** Polling filters, served by the gateway itself; undefined when the chain has none. */
  filters?: FilterRegistry | undefined;
  /** The caller's key; undefined when keys are not configured. */
  key: ApiKeyEntry | undefined;
  limits: GatewayLimits;
  metrics: GatewayMetrics;
  /** Lets the WebSocket session serve subscription methods itself; undefined = not intercepted. */
  intercept?: (request: JsonRpcRequest) => Promise<RpcOutcome> | undefined;
}

export interface RpcBodyAnswer {
  /** Response text; undefined when every request was a notification. */
  body: string | undefined;
  /** A single request refused by the rate limiter (HTTP answers 429 then). */
  rateLimited: boolean;
}

/**
 * Serves one JSON-RPC body (single request or batch) for HTTP and WebSocket alike. Every
 * failure becomes a JSON-RPC error in the answer; nothing thrown escapes.
 */
export async function handleRpcBody(text: string, context: RpcBodyContext): Promise<RpcBodyAnswer> {
  let parsed: ReturnType<typeof parseRpcBody>;
  try {
    parsed = parseRpcBody(text, context.limits);
  } catch (error) {
    return { body: serializeError(null, toRpcErrorObject(error)), rateLimited: false };
  }
  if (!parsed.batch) {
    const answer = await handleItem(parsed.item, context);
    return { body: answer.text, rateLimited: answer.rateLimited };
  }
  const answers = await Promise.all(parsed.items.map((item) => handleItem(item, context)));
  const texts = answers.flatMap((a) => (a.text === undefined ? [] : [a.text]));
  return { body: texts.length === 0 ? undefined : `[${texts.join(",")}]`, rateLimited: false };
}

interface ItemAnswer {
  text: string | undefined;
  rateLimited: boolean;
}

async function handleItem(item: unknown, context: RpcBodyContext): Promise<ItemAnswer> {
  const validated = validateRequest(item);
  if (!validated.ok) {
    return { text: serializeError(validated.id, validated.error), rateLimited: false };
  }
  const request = validated.request;
  const { chain, key, metrics } = context;
  const method = chain.adapter.methodLabel(request.method);
  const started = performance.now();
  let outcome: RpcOutcome;
  let status: "ok" | "error" | "rejected";
  let rateLimited = false;
  const refusal = refuseByKey(request.method, key);
  if (refusal !== undefined) {
    rateLimited = refusal.rpcCode === rpcErrorCodes.limitExceeded;
    if (rateLimited && key !== undefined) metrics.rateLimitRejections.inc({ key: key.name });
    outcome = { ok: false, error: refusal.toObject(), source: "gateway" };
    status = "rejected";
  } else {
    outcome = await (context.intercept?.(request) ??
      context.filters?.serve(request, key?.name) ??
      chain.handle(request.method, request.params));
    status = outcome.ok ? "ok" : "error";
  }
  metrics.requests.inc({ chain: chain.name, method, status, upstream: outcome.source });
  metrics.requestDuration.observe(
    { chain: chain.name, method },
    (performance.now() - started) / 1000,
  );
  if (request.id === undefined) return { text: undefined, rateLimited };
  return { text: serializeOutcome(request.id, outcome), rateLimited };
}

function refuseByKey(method: string, key: ApiKeyEntry | undefined): RpcError | undefined {
  if (key === undefined) return undefined;
  if (!key.allows(method)) {
    return new RpcError(
      rpcErrorCodes.methodNotFound,
      `the method ${JSON.stringify(method.slice(0, 64))} is not allowed for API key "${key.name}"`,
    );
  }
  if (key.bucket !== undefined && !key.bucket.take()) {
    return new RpcError(
      rpcErrorCodes.limitExceeded,
      `rate limit exceeded for API key "${key.name}" (${key.rateLimit?.rps} requests/s, burst ${key.rateLimit?.burst}); slow down and retry`,
    );
  }
  return undefined;
}
