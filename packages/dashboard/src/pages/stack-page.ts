/** The stack page: every component's state, health, endpoints, restarts; recent logs. */
import { html } from "../http/html.ts";
import type { DashboardServices } from "../services.ts";
import { tailLogs } from "../sources/log-tail.ts";
import { stackOverview } from "../sources/stack-overview.ts";
import { notice, type Page } from "./layout.ts";

export async function stackPage(
  s: DashboardServices,
  logSource: string | undefined,
): Promise<Page> {
  const overview = await stackOverview(s.config, s.stackDir, s.self, s.cluster);
  const names = overview.components.map((c) => c.name);
  const source =
    logSource !== undefined && [...names, "supervisor"].includes(logSource) ? logSource : undefined;
  const logs =
    s.stackDir !== undefined
      ? tailLogs(s.stackDir, { lines: 80, ...(source === undefined ? {} : { source }) })
      : s.cluster !== undefined && overview.source === "kubernetes"
        ? await clusterLogs(s, source ?? s.self)
        : undefined;
  return {
    title: `Stack ${s.config.stack}`,
    refreshMs: 5000,
    body: html`<p>Target <strong>${s.config.target}</strong>; ${
      overview.source === "supervisor"
        ? html`state from the local supervisor (${overview.running === true ? "running" : "not running"}).`
        : overview.source === "kubernetes"
          ? html`state from the cluster (namespace <code>${s.cluster?.namespace ?? ""}</code>).`
          : "health from connecting to each endpoint."
    }</p>
${overview.warnings.map((w) => notice("warn", s.redact(w)))}
<table class="components"><thead><tr><th>Component</th><th>Package</th><th>State</th><th>Health</th><th>Restarts</th><th>Uptime</th><th>Endpoints</th></tr></thead><tbody>
${overview.components.map(
  (c) =>
    html`<tr data-component="${c.name}"><td>${c.name}</td><td>${c.package}${c.variant === "" ? "" : ` (${c.variant})`}</td><td class="state ${c.state}">${c.state}</td><td class="${c.healthy === true ? "ok" : c.healthy === false ? "bad" : "muted"}">${c.healthy === undefined ? "—" : c.healthy ? "healthy" : "unhealthy"}<br><small>${s.redact(c.healthDetail)}</small></td><td>${c.restarts ?? "—"}</td><td>${c.uptimeMs === undefined ? "—" : `${Math.round(c.uptimeMs / 1000)} s`}</td><td>${c.endpoints.map(
      (e) => html`<div><span class="muted">${e.name}</span> <code>${e.url}</code></div>`,
    )}</td></tr>`,
)}
</tbody></table>
${
  logs === undefined
    ? html`<p class="muted">Logs are not available on the ${s.config.target} target from here.</p>`
    : html`<section><h2>Recent logs${source === undefined ? "" : ` of ${source}`}</h2>
<p class="filters"><a href="/">all</a> ${[...names, "supervisor"].map((n) => html`· <a href="/?logs=${encodeURIComponent(n)}">${n}</a> `)}</p>
<pre class="logs">${logs.map(
        (l) =>
          `${l.time === 0 ? "" : `${new Date(l.time).toISOString().slice(11, 23)} `}${l.source.padEnd(10)} | ${s.redact(l.text)}\n`,
      )}</pre></section>`
}`,
  };
}

/** Pod logs of one component (by default the dashboard's own; the links pick another). */
async function clusterLogs(
  s: DashboardServices,
  component: string,
): Promise<ReturnType<typeof tailLogs> | undefined> {
  try {
    return (await s.cluster?.logs(component, 80)) ?? [];
  } catch {
    return undefined;
  }
}
