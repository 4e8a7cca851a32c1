/**
 * The stack page's data on Kubernetes: the stack's workloads, their pods' restarts
 * and why they are not ready, and recent pod logs, read with the dashboard's own
 * service account (its Role allows exactly that, in its namespace). The Kubernetes
 * client is loaded only on this target.
 */
import { existsSync, readFileSync } from "node:fs";
import type { KubeClient } from "@cryptokube/kube/deploy";
import type { DashboardConfig } from "../config/schema.ts";
import type { LogEntry } from "./log-tail.ts";
import type { ComponentOverview } from "./stack-overview.ts";

const POD_NAMESPACE_FILE = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

export interface ClusterSource {
  namespace: string;
  components(): Promise<ComponentOverview[]>;
  logs(component: string, lines: number): Promise<LogEntry[]>;
}

export function createClusterSource(
  config: DashboardConfig,
  configured: { namespace: string },
): ClusterSource {
  // In a pod, its own namespace is the truth (a deploy may override the plan's).
  const namespace = existsSync(POD_NAMESPACE_FILE)
    ? readFileSync(POD_NAMESPACE_FILE, "utf8").trim()
    : configured.namespace;
  let client: Promise<{ kube: typeof import("@cryptokube/kube/deploy"); client: KubeClient }>;
  const connect = () => {
    client ??= import("@cryptokube/kube/deploy").then((kube) => ({
      kube,
      client: kube.createKubeClient(),
    }));
    return client;
  };
  return {
    namespace,
    async components() {
      const { kube, client: api } = await connect();
      const status = await kube.getClusterStatus(api, { stack: config.stack, namespace });
      const declared = new Map(config.components.map((c) => [c.name, c]));
      return status.components.map((c) => {
        const meta = declared.get(c.component);
        const detail =
          c.problems[0] ??
          c.conditions.find((condition) => condition.status !== "True")?.message ??
          `${c.ready}/${c.desired} ready`;
        return {
          name: c.component,
          kind: meta?.kind ?? "",
          package: meta?.package ?? "",
          variant: meta?.variant ?? "",
          state: c.healthy ? "ready" : c.ready > 0 ? "degraded" : "not ready",
          healthy: c.healthy,
          healthDetail: `${c.kind} ${c.name}: ${detail}`,
          restarts: c.restarts,
          uptimeMs: undefined,
          endpoints: Object.entries(meta?.endpoints ?? {}).map(([name, url]) => ({ name, url })),
        };
      });
    },
    async logs(component, lines) {
      const { kube, client: api } = await connect();
      const pods = await kube.readComponentLogs(api, {
        stack: config.stack,
        namespace,
        component,
        lines,
      });
      // Pod logs carry no timestamps here; keep each pod's order, pods one after another.
      return pods.flatMap((pod) =>
        pod.lines.map((text) => ({ time: 0, source: `${component}/${pod.pod}`, text })),
      );
    },
  };
}
