/** The dashboard's own Prometheus metrics, on a registry per instance. */
import { Counter, Histogram, Registry } from "prom-client";

export interface DashboardMetrics {
  registry: Registry;
  requests: Counter<"route" | "status">;
  duration: Histogram<"route">;
  walletActions: Counter<"action" | "outcome">;
}

export function createDashboardMetrics(): DashboardMetrics {
  const registry = new Registry();
  const registers = [registry];
  return {
    registry,
    requests: new Counter({
      name: "cryptokube_dashboard_http_requests_total",
      help: "HTTP requests answered, by route and status",
      labelNames: ["route", "status"],
      registers,
    }),
    duration: new Histogram({
      name: "cryptokube_dashboard_http_request_duration_seconds",
      help: "Time to answer one HTTP request, by route",
      labelNames: ["route"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    walletActions: new Counter({
      name: "cryptokube_dashboard_wallet_actions_total",
      help: "Wallet actions (send, faucet, transact, call), by outcome (ok, error, denied)",
      labelNames: ["action", "outcome"],
      registers,
    }),
  };
}
