/**
 * @cryptokube/dashboard: the stack's web UI (status, explorer, wallet, IPFS,
 * metrics). The process entry is `@cryptokube/dashboard/main`.
 */
export { parseDashboardConfig, parseDashboardConfigJson } from "./config/parse-config.ts";
export type { DashboardConfig, DashboardConfigInput } from "./config/schema.ts";
export { createDashboard, type Dashboard, type DashboardOptions } from "./create-dashboard.ts";
export { escapeHtml, html, type SafeHtml } from "./http/html.ts";
export { type PromSample, parsePrometheusText } from "./metrics/parse-prometheus.ts";
