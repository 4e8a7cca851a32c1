/**
 * What the stack page shows per component: state, health, endpoints, restarts.
 * Locally the supervisor's state.json (and its live readiness checks) says it
 * all; on Kubernetes the workloads and pods do; elsewhere each endpoint is
 * probed with a TCP connect.
 */
import { connect } from "node:net";
import { getStackStatus } from "@cryptokube/runtime";
import type { DashboardConfig } from "../config/schema.ts";
import type { ClusterSource } from "./cluster-source.ts";

export interface ComponentOverview {
  name: string;
  kind: string;
  package: string;
  variant: string;
  state: string;
  healthy: boolean | undefined;
  healthDetail: string;
  restarts: number | undefined;
  uptimeMs: number | undefined;
  endpoints: Array<{ name: string; url: string }>;
}

export interface StackOverview {
  source: "supervisor" | "kubernetes" | "probes";
  running: boolean | undefined;
  components: ComponentOverview[];
  warnings: string[];
}

export async function stackOverview(
  config: DashboardConfig,
  stackDir: string | undefined,
  self: string,
  cluster?: ClusterSource,
): Promise<StackOverview> {
  const declared = new Map(config.components.map((c) => [c.name, c]));
  if (cluster !== undefined) {
    try {
      const components = await cluster.components();
      return { source: "kubernetes", running: components.length > 0, components, warnings: [] };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const probed = await probeEndpoints(config);
      return { ...probed, warnings: [`cannot read the cluster: ${reason}`] };
    }
  }
  if (stackDir !== undefined) {
    const status = await getStackStatus(stackDir, { probe: true, timeoutMs: 1000 });
    if (status.components.length > 0) {
      return {
        source: "supervisor",
        running: status.running,
        warnings: status.warnings,
        components: status.components.map((c) => {
          const meta = declared.get(c.name);
          return {
            name: c.name,
            kind: meta?.kind ?? (c.name === self ? "service" : ""),
            package: meta?.package ?? (c.name === self ? "dashboard" : ""),
            variant: meta?.variant ?? (c.name === self ? "cryptokube" : ""),
            state: c.state,
            healthy: c.health?.ok,
            healthDetail: c.health?.detail ?? c.message ?? "",
            restarts: c.restarts,
            uptimeMs: c.uptimeMs,
            endpoints: c.endpoints,
          };
        }),
      };
    }
  }
  return probeEndpoints(config);
}

async function probeEndpoints(config: DashboardConfig): Promise<StackOverview> {
  const components = await Promise.all(
    config.components.map(async (c): Promise<ComponentOverview> => {
      const endpoints = Object.entries(c.endpoints).map(([name, url]) => ({ name, url }));
      const probes = await Promise.all(endpoints.map((e) => tcpProbe(e.url)));
      const down = endpoints.filter((_, i) => !probes[i]).map((e) => e.name);
      return {
        name: c.name,
        kind: c.kind,
        package: c.package,
        variant: c.variant,
        state: endpoints.length === 0 ? "unknown" : down.length === 0 ? "up" : "down",
        healthy: endpoints.length === 0 ? undefined : down.length === 0,
        healthDetail:
          down.length === 0 ? "endpoints accept connections" : `not answering: ${down.join(", ")}`,
        restarts: undefined,
        uptimeMs: undefined,
        endpoints,
      };
    }),
  );
  return { source: "probes", running: undefined, components, warnings: [] };
}

function tcpProbe(url: string, timeoutMs = 800): Promise<boolean> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return Promise.resolve(false);
  }
  const port = Number(parsed.port || (parsed.protocol === "https:" ? 443 : 80));
  const host = parsed.hostname.replace(/^\[|\]$/g, "");
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}
