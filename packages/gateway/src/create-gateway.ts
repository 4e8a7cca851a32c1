import type { AddressInfo } from "node:net";
import { type Logger, pino } from "pino";
import { createKeyring } from "./access/api-keys.ts";
import { createCorsPolicy } from "./access/cors-policy.ts";
import { createByteLruCache } from "./cache/byte-lru-cache.ts";
import { createChainAdapter } from "./chains/create-chain-adapter.ts";
import { parseGatewayConfig } from "./config/parse-config.ts";
import type { GatewayConfig, GatewayConfigInput } from "./config/schema.ts";
import { createFilterRegistry } from "./filters/filter-registry.ts";
import { createGatewayMetrics } from "./metrics/create-metrics.ts";
import { type ChainHealth, createChainRuntime } from "./routing/create-chain-runtime.ts";
import { createServer, type ServedChain } from "./server/create-server.ts";
import { createHeadFeed } from "./ws/head-feed.ts";

export interface GatewayOptions {
  /** Defaults to a silent logger. API keys and upstream URLs are never logged. */
  logger?: Logger;
}

export interface GatewayHealth {
  status: "ok" | "degraded";
  chains: Record<string, ChainHealth>;
}

export interface Gateway {
  readonly config: GatewayConfig;
  /** Probes every upstream once, then listens; resolves with the base URL (http://host:port). */
  listen(): Promise<{ url: string }>;
  close(): Promise<void>;
  health(): GatewayHealth;
  /** Prometheus text exposition, as served on /metrics. */
  metricsText(): Promise<string>;
}

/**
 * Builds a gateway from its config (validated here; invalid config throws a CryptoKubeError
 * listing every problem). Nothing listens or probes until listen().
 */
export function createGateway(
  input: GatewayConfigInput | GatewayConfig,
  options: GatewayOptions = {},
): Gateway {
  const config = parseGatewayConfig(input);
  const logger = options.logger ?? pino({ level: "silent" });
  const cache = config.cache.maxBytes > 0 ? createByteLruCache(config.cache.maxBytes) : undefined;
  const metrics = createGatewayMetrics({
    cacheBytes: () => cache?.bytes ?? 0,
    cacheEntries: () => cache?.size ?? 0,
    filters: () => new Map([...chains].map(([name, c]) => [name, c.filters?.size() ?? 0])),
  });
  const chains = new Map<string, ServedChain>();
  for (const chainConfig of config.chains) {
    const adapter = createChainAdapter(chainConfig.type);
    const runtime = createChainRuntime({
      config: chainConfig,
      adapter,
      maxLag: config.maxLag,
      finalityDepth: config.cache.finalityDepth,
      limits: config.limits,
      cache,
      metrics,
      logger,
    });
    const feed =
      adapter.subscriptions === undefined
        ? undefined
        : createHeadFeed({
            chain: runtime,
            support: adapter.subscriptions,
            retryMs: config.limits.probeIntervalMs,
            logger,
          });
    const filters =
      feed === undefined || adapter.filters === undefined || adapter.subscriptions === undefined
        ? undefined
        : createFilterRegistry({
            chain: runtime,
            support: adapter.filters,
            subscriptions: adapter.subscriptions,
            feed,
            limits: config.limits,
            logger,
          });
    chains.set(chainConfig.name, { runtime, feed, filters });
  }

  function health(): GatewayHealth {
    const out: Record<string, ChainHealth> = {};
    let ok = true;
    for (const [name, { runtime }] of chains) {
      const chainHealth = runtime.health();
      if (chainHealth.healthyUpstreams === 0) ok = false;
      out[name] = chainHealth;
    }
    return { status: ok ? "ok" : "degraded", chains: out };
  }

  const { server, closeClients } = createServer({
    chains,
    keyring: createKeyring(config.apiKeys),
    cors: createCorsPolicy(config.cors),
    limits: config.limits,
    metrics,
    logger,
    health: () => {
      const body = health();
      return { ok: body.status === "ok", body };
    },
  });

  let listening = false;
  return {
    config,
    health,
    metricsText: () => metrics.registry.metrics(),
    async listen() {
      await Promise.all([...chains.values()].map(({ runtime }) => runtime.start()));
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(config.port, config.host, () => {
          server.off("error", reject);
          resolve();
        });
      });
      listening = true;
      const { port } = server.address() as AddressInfo;
      const host = config.host.includes(":") ? `[${config.host}]` : config.host;
      const url = `http://${host}:${port}`;
      logger.info({ url, chains: [...chains.keys()] }, "gateway listening");
      return { url };
    },
    async close() {
      for (const { runtime, feed, filters } of chains.values()) {
        filters?.stop();
        feed?.stop();
        runtime.stop();
      }
      closeClients();
      if (!listening) return;
      listening = false;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
