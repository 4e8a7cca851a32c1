import type { Logger } from "pino";
import type { ChainAdapter, UpstreamCall } from "../chains/chain-adapter.ts";
import type { UpstreamConfig } from "../config/schema.ts";
import type { GatewayMetrics } from "../metrics/create-metrics.ts";
import { createConsistentHead } from "../routing/consistent-head.ts";
import { createTransport } from "./create-transport.ts";
import { evaluateHealth } from "./evaluate-health.ts";
import { createProbeLoop } from "./probe-loop.ts";
import { UpstreamRpcError } from "./upstream-rpc-error.ts";
import {
  createUpstreamState,
  recordSuccess,
  recordTransportFailure,
  resetFailures,
  type UpstreamState,
  type UpstreamStatus,
} from "./upstream-state.ts";
import type { UpstreamReply } from "./upstream-transport.ts";

export interface UpstreamPoolOptions {
  chain: string;
  upstreams: readonly UpstreamConfig[];
  adapter: ChainAdapter;
  maxLag: number;
  /** Configured chain id, if any (number as in the config). */
  chainId: number | undefined;
  probeIntervalMs: number;
  probeTimeoutMs: number;
  metrics: GatewayMetrics;
  logger: Logger;
}

export type AttemptResult = UpstreamReply | { transportError: Error };

export interface UpstreamHealth {
  name: string;
  status: UpstreamStatus;
  head: number | null;
  lag: number | null;
  latencyMs: number;
  /** Client requests sent to it and not yet answered (probes not counted). */
  inflight: number;
  lastError?: string;
}

/** The upstreams of one chain: probing, health, the consistent head and candidate selection. */
export interface UpstreamPool {
  readonly upstreams: readonly UpstreamState[];
  /** Gateway head (see ConsistentHead); -1 until an upstream was probed. */
  head(): number;
  chainId(): string | undefined;
  /** Probes all upstreams once (bounded by the probe timeout), then keeps probing. */
  start(): Promise<void>;
  stop(): void;
  /** Upstreams to try for a request needing `minBlock`, best first (see comment inside). */
  candidates(minBlock: number, exclude: ReadonlySet<string>): UpstreamState[];
  attempt(
    upstream: UpstreamState,
    method: string,
    params: unknown,
    timeoutMs: number,
  ): Promise<AttemptResult>;
  onHead(listener: (head: number) => void): () => void;
  /**
   * Probes now (sharing a round already under way) until the gateway head reaches `block` or
   * `timeoutMs` passes; true when it did.
   */
  catchUp(block: number, timeoutMs: number): Promise<boolean>;
  health(): UpstreamHealth[];
}

/** A chain id re-check every N probes catches an upstream replaced behind the same URL. */
const CHAIN_ID_RECHECK_EVERY = 20;

export function createUpstreamPool(options: UpstreamPoolOptions): UpstreamPool {
  const { adapter, metrics, logger, chain } = options;
  const upstreams = options.upstreams.map((config) =>
    createUpstreamState(
      config.name,
      createTransport(config, {
        onExchange: (calls) =>
          metrics.upstreamBatchSize.observe({ chain, upstream: config.name }, calls),
        onBatchesRefused: () =>
          logger.warn(
            { chain, upstream: config.name },
            "upstream refuses JSON-RPC batches; sending its calls one by one",
          ),
      }),
    ),
  );
  const expectedChainId =
    options.chainId === undefined ? undefined : adapter.formatChainId(options.chainId);
  const consistentHead = createConsistentHead();
  const headListeners = new Set<(head: number) => void>();
  const probeCounts = new Map<string, number>();
  let chainId = expectedChainId;
  let genesis: string | undefined;
  let bestHead = -1;
  let refreshRound: Promise<void> | undefined;

  function refreshNow(): Promise<void> {
    refreshRound ??= loop.probeAll().finally(() => {
      refreshRound = undefined;
    });
    return refreshRound;
  }

  function callFor(upstream: UpstreamState, timeoutMs: number): UpstreamCall {
    return async (method, params) => {
      const reply = await upstream.transport.call(method, params, timeoutMs);
      if ("error" in reply) throw new UpstreamRpcError(upstream.name, reply.error);
      return reply.result;
    };
  }

  async function probe(upstream: UpstreamState): Promise<void> {
    const count = (probeCounts.get(upstream.name) ?? 0) + 1;
    probeCounts.set(upstream.name, count);
    const call = callFor(upstream, options.probeTimeoutMs);
    const needChainId =
      upstream.chainId === undefined || !upstream.reachable || count % CHAIN_ID_RECHECK_EVERY === 0;
    const started = performance.now();
    try {
      const [reportedChainId, reportedGenesis, head] = await Promise.all([
        needChainId ? adapter.probeChainId(call) : Promise.resolve(upstream.chainId),
        // A node that keeps no genesis (or cannot say) is told apart by its chain id only.
        needChainId
          ? adapter.probeGenesis(call).catch(() => undefined)
          : Promise.resolve(upstream.genesis),
        adapter.probeHead(call),
      ]);
      if (!upstream.reachable) resetFailures(upstream);
      recordSuccess(upstream, performance.now() - started);
      upstream.chainId = reportedChainId;
      upstream.genesis = reportedGenesis;
      upstream.head = head;
      upstream.reachable = true;
      upstream.lastError = undefined;
    } catch (error) {
      upstream.reachable = false;
      upstream.lastError = (error as Error).message;
    }
  }

  function reevaluate(): void {
    const verdict = evaluateHealth(upstreams, {
      maxLag: options.maxLag,
      expectedChainId: chainId,
      previousGenesis: genesis,
    });
    if (chainId === undefined && verdict.chainId !== undefined) {
      // Without a configured chain id, the majority of the first full probe round decides, once:
      // a foreign upstream answering first later on can never redefine the chain.
      logger.info(
        { chain, chainId: verdict.chainId },
        "chain id adopted from the upstream majority",
      );
    }
    chainId = verdict.chainId;
    genesis = verdict.genesis;
    bestHead = verdict.bestHead;
    const heads: number[] = [];
    for (const upstream of upstreams) {
      const status = verdict.statuses.get(upstream.name) ?? "starting";
      if (status !== upstream.status) logTransition(upstream, status);
      upstream.status = status;
      if (status === "healthy") heads.push(upstream.head);
      const labels = { chain, upstream: upstream.name };
      metrics.upstreamUp.set(labels, status === "healthy" ? 1 : 0);
      if (upstream.head >= 0) {
        metrics.upstreamHead.set(labels, upstream.head);
        metrics.upstreamLag.set(labels, Math.max(0, bestHead - upstream.head));
      }
    }
    if (bestHead >= 0 && consistentHead.value - bestHead > options.maxLag) {
      // Every reachable upstream is far below what was served: the chain was reset (a devnet
      // restarted from genesis). Keeping the old head would make "latest" unservable forever.
      logger.warn(
        { chain, servedHead: consistentHead.value, bestHead },
        "all upstreams are far behind the served head; chain reset assumed, head follows them",
      );
      consistentHead.reset();
    }
    if (consistentHead.advance(heads)) {
      metrics.head.set({ chain }, consistentHead.value);
      for (const listener of headListeners) listener(consistentHead.value);
    }
  }

  function logTransition(upstream: UpstreamState, status: UpstreamStatus): void {
    const fields = { chain, upstream: upstream.name, from: upstream.status, to: status };
    if (status === "healthy") {
      logger.info({ ...fields, head: upstream.head }, "upstream in rotation");
    } else if (status === "wrong-chain" && upstream.chainId === chainId) {
      logger.warn(
        { ...fields, genesis: upstream.genesis, expectedGenesis: genesis },
        "upstream serves another chain under the same chain id (its genesis block differs); excluded until it serves the others' chain",
      );
    } else if (status === "wrong-chain") {
      logger.warn(
        { ...fields, reportedChainId: upstream.chainId, expectedChainId: chainId },
        "upstream serves a different chain id; excluded until it reports the expected one",
      );
    } else if (status === "lagging") {
      logger.warn(
        { ...fields, head: upstream.head, bestHead, maxLag: options.maxLag },
        "upstream lagging; out of rotation",
      );
    } else if (status !== "starting") {
      logger.warn({ ...fields, reason: upstream.lastError }, "upstream out of rotation");
    }
  }

  const loop = createProbeLoop({
    upstreams,
    intervalMs: options.probeIntervalMs,
    probe,
    afterProbe: reevaluate,
  });

  return {
    upstreams,
    head: () => consistentHead.value,
    chainId: () => chainId,
    async start() {
      // The first verdict waits for every upstream, so it is never made on a partial view.
      await Promise.all(upstreams.map(probe));
      reevaluate();
      loop.start();
    },
    stop() {
      loop.stop();
      for (const upstream of upstreams) upstream.transport.close();
    },
    /*
     * In rotation and already at minBlock first; then in rotation but possibly short of it
     * (highest head first); then, as a last resort when nothing is in rotation, anything not on
     * the wrong chain — a stale verdict should not fail a request a node could still answer.
     */
    candidates(minBlock, exclude) {
      const ready: UpstreamState[] = [];
      for (const u of upstreams) {
        if (u.status === "healthy" && u.head >= minBlock && !exclude.has(u.name)) ready.push(u);
      }
      if (ready.length > 0) return ready;
      const healthy = upstreams.filter((u) => u.status === "healthy" && !exclude.has(u.name));
      if (healthy.length > 0) return healthy.sort((a, b) => b.head - a.head);
      return upstreams
        .filter((u) => u.status !== "wrong-chain" && !exclude.has(u.name))
        .sort((a, b) => Number(b.reachable) - Number(a.reachable) || b.head - a.head);
    },
    async attempt(upstream, method, params, timeoutMs) {
      upstream.inflight++;
      const started = performance.now();
      try {
        const reply = await upstream.transport.call(method, params, timeoutMs);
        recordSuccess(upstream, performance.now() - started);
        metrics.upstreamRequests.inc({
          chain,
          upstream: upstream.name,
          outcome: "error" in reply ? "rpc_error" : "ok",
        });
        return reply;
      } catch (error) {
        recordTransportFailure(upstream, (error as Error).message);
        metrics.upstreamRequests.inc({
          chain,
          upstream: upstream.name,
          outcome: "transport_error",
        });
        reevaluate();
        return { transportError: error as Error };
      } finally {
        upstream.inflight--;
      }
    },
    async catchUp(block, timeoutMs) {
      const deadline = performance.now() + timeoutMs;
      while (consistentHead.value < block) {
        const left = deadline - performance.now();
        if (left <= 0) return false;
        await Promise.race([refreshNow(), new Promise((resolve) => setTimeout(resolve, left))]);
        if (consistentHead.value < block && performance.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, Math.min(10, left)));
        }
      }
      return true;
    },
    onHead(listener) {
      headListeners.add(listener);
      return () => headListeners.delete(listener);
    },
    health() {
      return upstreams.map((u) => {
        const entry: UpstreamHealth = {
          name: u.name,
          status: u.status,
          head: u.head >= 0 ? u.head : null,
          lag: u.head >= 0 && bestHead >= 0 ? Math.max(0, bestHead - u.head) : null,
          latencyMs: Math.round(u.latencyMs * 100) / 100,
          inflight: u.inflight,
        };
        if (u.lastError !== undefined) entry.lastError = u.lastError;
        return entry;
      });
    },
  };
}
