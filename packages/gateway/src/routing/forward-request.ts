import type { ByteLruCache } from "../cache/byte-lru-cache.ts";
import { createInFlightDedup } from "../cache/in-flight-dedup.ts";
import type { ChainAdapter, ChainContext, ForwardRequest } from "../chains/chain-adapter.ts";
import type { GatewayMetrics } from "../metrics/create-metrics.ts";
import { rpcErrorCodes } from "../rpc/errors.ts";
import type { RpcOutcome } from "../rpc/types.ts";
import type { UpstreamPool } from "../upstreams/create-upstream-pool.ts";
import { selectUpstream } from "../upstreams/select-upstream.ts";

export interface ForwarderOptions {
  chain: string;
  pool: UpstreamPool;
  adapter: ChainAdapter;
  /** Shared by all chains (one byte budget); keys are prefixed with the chain name. */
  cache: ByteLruCache | undefined;
  metrics: GatewayMetrics;
  upstreamTimeoutMs: number;
  /** How long a result revealing a block past the gateway head may wait for the head. */
  catchUpTimeoutMs: number;
}

/** The request paths a chain's custom handlers use, as ChainContext declares them. */
export type Forwarder = Pick<ChainContext, "forward" | "attemptOnce" | "callOn">;

/** Reads try at most this many upstreams before the last answer goes to the client. */
const MAX_READ_ATTEMPTS = 4;

/** The generic request path: cache, then in-flight de-duplication, then upstreams with failover. */
export function createForwarder(options: ForwarderOptions): Forwarder {
  const { chain, pool, adapter, cache, metrics } = options;
  const dedup = createInFlightDedup<RpcOutcome>();

  async function callWithFailover(
    request: ForwardRequest,
  ): Promise<RpcOutcome & { result?: unknown }> {
    const tried = new Set<string>();
    const attempts = request.retry === "once" ? 1 : MAX_READ_ATTEMPTS;
    let last: RpcOutcome | undefined;
    for (let i = 0; i < attempts; i++) {
      const upstream = selectUpstream(pool.candidates(request.minBlock, tried));
      if (upstream === undefined) break;
      tried.add(upstream.name);
      const reply = await pool.attempt(
        upstream,
        request.method,
        request.params,
        options.upstreamTimeoutMs,
      );
      if ("result" in reply) {
        const result = reply.result ?? null;
        const resultJson = reply.resultJson ?? JSON.stringify(result);
        return { ok: true, resultJson, result, source: upstream.name };
      }
      if ("error" in reply) {
        last = { ok: false, error: reply.error, source: upstream.name };
        if (request.retry === "once" || adapter.classifyError(reply.error) === "final") return last;
        continue;
      }
      last = {
        ok: false,
        error: { code: rpcErrorCodes.resourceUnavailable, message: reply.transportError.message },
        source: upstream.name,
      };
    }
    return last ?? noUpstream();
  }

  function noUpstream(): RpcOutcome {
    const total = pool.upstreams.length;
    const healthy = pool.upstreams.filter((u) => u.status === "healthy").length;
    return {
      ok: false,
      error: {
        code: rpcErrorCodes.resourceUnavailable,
        message: `no upstream available for chain "${chain}" (${healthy} of ${total} healthy); see /healthz`,
      },
      source: "gateway",
    };
  }

  /** See ForwardRequest.visibleAt. */
  async function revealOnlyVisible(
    request: ForwardRequest,
    outcome: RpcOutcome & { result?: unknown },
  ): Promise<RpcOutcome & { result?: unknown }> {
    if (!outcome.ok || request.visibleAt === undefined) return outcome;
    const block = request.visibleAt(outcome.result);
    if (block === undefined || block <= pool.head()) return outcome;
    if (await pool.catchUp(block, options.catchUpTimeoutMs)) return outcome;
    return { ok: true, resultJson: "null", result: null, source: outcome.source };
  }

  function cacheAllows(
    rule: ForwardRequest["cache"],
    outcome: RpcOutcome & { result?: unknown },
  ): boolean {
    if (!outcome.ok || outcome.result === null || outcome.result === undefined) return false;
    return rule === "always" || (typeof rule === "function" && rule(outcome.result));
  }

  return {
    forward(request) {
      const cacheable = cache !== undefined && request.cache !== "never";
      if (!cacheable && !request.dedup) {
        return callWithFailover(request).then((outcome) => revealOnlyVisible(request, outcome));
      }
      const key = `${chain}\n${request.method}\n${JSON.stringify(request.params ?? [])}`;
      if (cacheable) {
        const hit = cache.get(key);
        if (hit !== undefined) {
          metrics.cacheHits.inc({ chain });
          return Promise.resolve({ ok: true, resultJson: hit, source: "cache" });
        }
        metrics.cacheMisses.inc({ chain });
      }
      const run = async (): Promise<RpcOutcome> => {
        const outcome = await revealOnlyVisible(request, await callWithFailover(request));
        if (cacheable && outcome.ok && cacheAllows(request.cache, outcome))
          cache.set(key, outcome.resultJson);
        return outcome;
      };
      return request.dedup ? dedup.run(key, run) : run();
    },
    async attemptOnce(method, params, { minBlock, exclude }) {
      const upstream = selectUpstream(pool.candidates(minBlock, exclude));
      if (upstream === undefined) return undefined;
      const reply = await pool.attempt(upstream, method, params, options.upstreamTimeoutMs);
      if ("result" in reply) return { upstream: upstream.name, ok: true, result: reply.result };
      if ("error" in reply) return { upstream: upstream.name, ok: false, error: reply.error };
      return { upstream: upstream.name, ok: false, transportError: reply.transportError };
    },
    async callOn(name, method, params) {
      const upstream = pool.upstreams.find((u) => u.name === name);
      if (upstream === undefined) throw new Error(`unknown upstream "${name}"`);
      const reply = await pool.attempt(upstream, method, params, options.upstreamTimeoutMs);
      if ("result" in reply) return reply.result;
      throw "error" in reply ? new Error(reply.error.message) : reply.transportError;
    },
  };
}
