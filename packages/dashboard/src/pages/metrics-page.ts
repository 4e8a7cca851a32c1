/** Charts of the chain head, gateway requests and latency, and indexer lag. */
import { html } from "../http/html.ts";
import type { MetricsSample } from "../metrics/metrics-history.ts";
import type { DashboardServices } from "../services.ts";
import type { Page } from "./layout.ts";
import { type ChartPoint, lineChart } from "./svg-chart.ts";

export function metricsPage(s: DashboardServices): Page {
  const samples = s.history.samples();
  const series = (pick: (x: MetricsSample) => number | undefined): ChartPoint[] =>
    samples.flatMap((x) => {
      const v = pick(x);
      return v === undefined ? [] : [{ t: x.t, v }];
    });
  const rate: ChartPoint[] = [];
  const latency: ChartPoint[] = [];
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1];
    const b = samples[i];
    if (a === undefined || b === undefined) continue;
    const dt = (b.t - a.t) / 1000;
    if (a.gatewayRequests !== undefined && b.gatewayRequests !== undefined && dt > 0) {
      // A restarted gateway resets its counters: treat a drop as a restart, not negative traffic.
      rate.push({ t: b.t, v: Math.max(0, b.gatewayRequests - a.gatewayRequests) / dt });
    }
    const dCount = (b.gatewayLatencyCount ?? 0) - (a.gatewayLatencyCount ?? 0);
    const dSum = (b.gatewayLatencySum ?? 0) - (a.gatewayLatencySum ?? 0);
    if (dCount > 0 && dSum >= 0) latency.push({ t: b.t, v: (dSum / dCount) * 1000 });
  }
  const sources = [
    s.config.chain === undefined ? undefined : "chain head from the chain RPC",
    s.config.gateway === undefined ? undefined : "gateway /metrics",
    s.config.indexer === undefined ? undefined : "indexer /metrics",
  ].filter((x) => x !== undefined);
  return {
    title: "Metrics",
    refreshMs: Math.max(1000, s.config.metricsIntervalMs),
    body: html`<p class="muted">Sampled every ${s.config.metricsIntervalMs / 1000} s from ${sources.join(", ") || "nothing (no chain, gateway or indexer in this stack)"}; the last ${s.config.metricsSamples} samples are kept.</p>
<div class="charts">
${lineChart(
  "Chain head",
  "block",
  series((x) => x.chainHead),
)}
${s.config.gateway === undefined ? "" : lineChart("Gateway requests", "req/s", rate)}
${s.config.gateway === undefined ? "" : lineChart("Gateway latency (mean)", "ms", latency)}
${
  s.config.indexer === undefined
    ? ""
    : lineChart(
        "Indexer lag",
        "blocks",
        series((x) => x.indexerLag),
      )
}
</div>`,
  };
}
