import type { Logger } from "pino";
import type { ByteLruCache } from "../cache/byte-lru-cache.ts";
import type { ChainAdapter, ChainContext, ChainView } from "../chains/chain-adapter.ts";
import type { ChainConfig, GatewayLimits } from "../config/schema.ts";
import type { GatewayMetrics } from "../metrics/create-metrics.ts";
import { RpcError, rpcErrorCodes, toRpcErrorObject } from "../rpc/errors.ts";
import type { JsonRpcParams, RpcOutcome } from "../rpc/types.ts";
import { createUpstreamPool, type UpstreamHealth } from "../upstreams/create-upstream-pool.ts";
import { createForwarder } from "./forward-request.ts";

export interface ChainRuntimeOptions {
  config: ChainConfig;
  adapter: ChainAdapter;
  maxLag: number;
  finalityDepth: number;
  limits: GatewayLimits;
  cache: ByteLruCache | undefined;
  metrics: GatewayMetrics;
  logger: Logger;
}

export interface ChainHealth {
  type: string;
  chainId: string | null;
  head: number | null;
  finalized: number | null;
  healthyUpstreams: number;
  upstreams: UpstreamHealth[];
}

/** One chain served by the gateway: its upstream pool, request planning and forwarding. */
export interface ChainRuntime {
  readonly name: string;
  readonly adapter: ChainAdapter;
  readonly context: ChainContext;
  view(): ChainView;
  /** Serves one validated request (access control already done). Never rejects. */
  handle(method: string, params: JsonRpcParams | undefined): Promise<RpcOutcome>;
  onHead(listener: (head: number) => void): () => void;
  health(): ChainHealth;
  start(): Promise<void>;
  stop(): void;
}

export function createChainRuntime(options: ChainRuntimeOptions): ChainRuntime {
  const { config, adapter, limits, logger } = options;
  const pool = createUpstreamPool({
    chain: config.name,
    upstreams: config.upstreams,
    adapter,
    maxLag: options.maxLag,
    chainId: config.chainId,
    probeIntervalMs: limits.probeIntervalMs,
    probeTimeoutMs: limits.probeTimeoutMs,
    metrics: options.metrics,
    logger,
  });
  const forwarder = createForwarder({
    chain: config.name,
    pool,
    adapter,
    cache: options.cache,
    metrics: options.metrics,
    upstreamTimeoutMs: limits.upstreamTimeoutMs,
    catchUpTimeoutMs: Math.max(limits.probeIntervalMs, limits.probeTimeoutMs),
  });

  function view(): ChainView {
    const head = pool.head();
    return { head, finalized: head < 0 ? -1 : head - options.finalityDepth };
  }

  const context: ChainContext = {
    view,
    limits: {
      logsMaxRange: limits.logsMaxRange,
      logsMaxResults: limits.logsMaxResults,
      logsChunkBlocks: limits.logsChunkBlocks,
    },
    forward: forwarder.forward,
    attemptOnce: forwarder.attemptOnce,
    callOn: forwarder.callOn,
  };

  async function handle(method: string, params: JsonRpcParams | undefined): Promise<RpcOutcome> {
    try {
      const refusal = adapter.refuseMethod(method);
      if (refusal !== undefined) throw new RpcError(rpcErrorCodes.methodNotFound, refusal);
      const plan = adapter.planRequest(method, params, view());
      switch (plan.kind) {
        case "local":
          return { ok: true, resultJson: JSON.stringify(plan.result), source: "gateway" };
        case "forward":
          return await forwarder.forward(plan);
        case "custom":
          return await plan.run(context);
      }
    } catch (error) {
      if (!(error instanceof RpcError)) {
        logger.error(
          { err: error, chain: config.name, method },
          "unexpected error while serving a request",
        );
      }
      return { ok: false, error: toRpcErrorObject(error), source: "gateway" };
    }
  }

  return {
    name: config.name,
    adapter,
    context,
    view,
    handle,
    onHead: pool.onHead,
    health() {
      const v = view();
      const upstreams = pool.health();
      return {
        type: adapter.type,
        chainId: pool.chainId() ?? null,
        head: v.head >= 0 ? v.head : null,
        finalized: v.finalized >= 0 ? v.finalized : null,
        healthyUpstreams: upstreams.filter((u) => u.status === "healthy").length,
        upstreams,
      };
    },
    start: pool.start,
    stop: pool.stop,
  };
}
