/**
 * Scrapes the chain head (RPC) and the gateway's and indexer's /metrics on an
 * interval into a bounded ring of samples, from which the metrics page draws
 * its charts. Memory is fixed: `capacity` samples of a few numbers each.
 */
import type { Logger } from "pino";
import { type PromSample, parsePrometheusText, sumOf } from "./parse-prometheus.ts";

export interface MetricsSample {
  /** Epoch ms. */
  t: number;
  chainHead?: number;
  gatewayRequests?: number;
  gatewayLatencySum?: number;
  gatewayLatencyCount?: number;
  indexerLag?: number;
  indexerHead?: number;
}

export interface MetricsHistory {
  samples(): MetricsSample[];
  /** One scrape now (also what the interval runs). */
  scrape(): Promise<MetricsSample>;
  start(): void;
  stop(): void;
}

export interface MetricsHistoryOptions {
  chainHead?: () => Promise<number>;
  gatewayMetrics?: string;
  indexerMetrics?: string;
  intervalMs: number;
  capacity: number;
  logger: Logger;
}

export function createMetricsHistory(options: MetricsHistoryOptions): MetricsHistory {
  const ring: MetricsSample[] = [];
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<MetricsSample> | undefined;
  const failing = new Set<string>();

  async function scrapeText(what: string, url: string | undefined): Promise<PromSample[]> {
    if (url === undefined) return [];
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      failing.delete(what);
      return parsePrometheusText(await response.text());
    } catch (error) {
      // Once per outage, not once per interval.
      if (!failing.has(what))
        options.logger.warn({ what, err: (error as Error).message }, "metrics scrape failed");
      failing.add(what);
      return [];
    }
  }

  async function scrapeOnce(): Promise<MetricsSample> {
    const [head, gateway, indexer] = await Promise.all([
      options.chainHead?.().catch(() => undefined),
      scrapeText("gateway", options.gatewayMetrics),
      scrapeText("indexer", options.indexerMetrics),
    ]);
    const sample: MetricsSample = { t: Date.now() };
    if (head !== undefined) sample.chainHead = head;
    const assign = (key: keyof Omit<MetricsSample, "t">, value: number | undefined) => {
      if (value !== undefined && Number.isFinite(value)) sample[key] = value;
    };
    assign("gatewayRequests", sumOf(gateway, "cryptokube_gateway_requests_total"));
    assign("gatewayLatencySum", sumOf(gateway, "cryptokube_gateway_request_duration_seconds_sum"));
    assign(
      "gatewayLatencyCount",
      sumOf(gateway, "cryptokube_gateway_request_duration_seconds_count"),
    );
    assign("indexerLag", maxOf(indexer, "cryptokube_indexer_lag_blocks"));
    assign("indexerHead", maxOf(indexer, "cryptokube_indexer_indexed_head_block"));
    ring.push(sample);
    if (ring.length > options.capacity) ring.splice(0, ring.length - options.capacity);
    return sample;
  }

  return {
    samples: () => [...ring],
    scrape() {
      inFlight ??= scrapeOnce().finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
    start() {
      if (timer !== undefined) return;
      void this.scrape();
      timer = setInterval(() => void this.scrape(), options.intervalMs);
      timer.unref();
    },
    stop() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
    },
  };
}

function maxOf(samples: readonly PromSample[], name: string): number | undefined {
  let max: number | undefined;
  for (const s of samples) {
    if (s.name === name && Number.isFinite(s.value)) {
      max = Math.max(max ?? s.value, s.value);
    }
  }
  return max;
}
