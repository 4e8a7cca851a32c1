import { Counter, Gauge, Histogram, Registry } from "prom-client";

/**
 * The gateway's Prometheus metrics, on a registry owned by this gateway instance (never the
 * global default registry), so several gateways in one process — tests — never collide.
 */
export interface GatewayMetrics {
  registry: Registry;
  requests: Counter<"chain" | "method" | "status" | "upstream">;
  requestDuration: Histogram<"chain" | "method">;
  upstreamRequests: Counter<"chain" | "upstream" | "outcome">;
  upstreamBatchSize: Histogram<"chain" | "upstream">;
  cacheHits: Counter<"chain">;
  cacheMisses: Counter<"chain">;
  cacheBytes: Gauge;
  cacheEntries: Gauge;
  filters: Gauge<"chain">;
  upstreamHead: Gauge<"chain" | "upstream">;
  upstreamLag: Gauge<"chain" | "upstream">;
  upstreamUp: Gauge<"chain" | "upstream">;
  head: Gauge<"chain">;
  rateLimitRejections: Counter<"key">;
}

export interface MetricsSources {
  cacheBytes(): number;
  cacheEntries(): number;
  /** Polling filters installed, by chain. */
  filters(): ReadonlyMap<string, number>;
}

export function createGatewayMetrics(sources: MetricsSources): GatewayMetrics {
  const registry = new Registry();
  const registers = [registry];
  return {
    registry,
    requests: new Counter({
      name: "cryptokube_gateway_requests_total",
      help: "JSON-RPC requests answered, by chain, method, status (ok, error, rejected) and who answered",
      labelNames: ["chain", "method", "status", "upstream"],
      registers,
    }),
    requestDuration: new Histogram({
      name: "cryptokube_gateway_request_duration_seconds",
      help: "Time to answer one JSON-RPC request, from parsed request to serialised answer",
      labelNames: ["chain", "method"],
      buckets: [
        0.0002, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
      ],
      registers,
    }),
    upstreamRequests: new Counter({
      name: "cryptokube_gateway_upstream_requests_total",
      help: "Calls made to upstreams, by outcome (ok, rpc_error, transport_error)",
      labelNames: ["chain", "upstream", "outcome"],
      registers,
    }),
    cacheHits: new Counter({
      name: "cryptokube_gateway_cache_hits_total",
      help: "Cacheable requests answered from the cache",
      labelNames: ["chain"],
      registers,
    }),
    cacheMisses: new Counter({
      name: "cryptokube_gateway_cache_misses_total",
      help: "Cacheable requests not found in the cache",
      labelNames: ["chain"],
      registers,
    }),
    cacheBytes: new Gauge({
      name: "cryptokube_gateway_cache_bytes",
      help: "Bytes held by the response cache (estimated)",
      registers,
      collect() {
        this.set(sources.cacheBytes());
      },
    }),
    cacheEntries: new Gauge({
      name: "cryptokube_gateway_cache_entries",
      help: "Entries held by the response cache",
      registers,
      collect() {
        this.set(sources.cacheEntries());
      },
    }),
    filters: new Gauge({
      name: "cryptokube_gateway_filters",
      help: "Polling filters (eth_newFilter, eth_newBlockFilter) held, by chain",
      labelNames: ["chain"],
      registers,
      collect() {
        for (const [chain, count] of sources.filters()) this.set({ chain }, count);
      },
    }),
    upstreamHead: new Gauge({
      name: "cryptokube_gateway_upstream_head_block",
      help: "Latest block reported by each upstream",
      labelNames: ["chain", "upstream"],
      registers,
    }),
    upstreamLag: new Gauge({
      name: "cryptokube_gateway_upstream_lag_blocks",
      help: "Blocks each upstream is behind the best upstream of its chain",
      labelNames: ["chain", "upstream"],
      registers,
    }),
    upstreamUp: new Gauge({
      name: "cryptokube_gateway_upstream_up",
      help: "1 when the upstream is in rotation, 0 otherwise",
      labelNames: ["chain", "upstream"],
      registers,
    }),
    head: new Gauge({
      name: "cryptokube_gateway_head_block",
      help: "The head the gateway serves as latest for each chain",
      labelNames: ["chain"],
      registers,
    }),
    upstreamBatchSize: new Histogram({
      name: "cryptokube_gateway_upstream_batch_size",
      help: "Calls per HTTP exchange with an upstream (concurrent calls are sent as one JSON-RPC batch)",
      labelNames: ["chain", "upstream"],
      buckets: [1, 2, 4, 8, 16, 32, 64],
      registers,
    }),
    rateLimitRejections: new Counter({
      name: "cryptokube_gateway_rate_limit_rejections_total",
      help: "Requests refused because an API key exceeded its rate limit, by key name",
      labelNames: ["key"],
      registers,
    }),
  };
}
