/**
 * Prometheus Operator objects (rendered when options.monitoring is set, because
 * they need the operator's CRDs): a ServiceMonitor per component with a metrics
 * endpoint and one PrometheusRule with the stack's alerts. Metric names are the
 * ones our gateway exports (packages/gateway/src/metrics), the nodes' own peer
 * gauges, and kube-state-metrics for readiness.
 */
import type { Component } from "@cryptokube/plan/types";
import { componentLabels, selectorLabels, stackLabels } from "./labels.ts";
import { packageTraits } from "./package-traits.ts";
import { endpointPort } from "./ports.ts";
import type { RenderContext } from "./render-context.ts";
import { SERVICE_ROLE_LABEL } from "./services.ts";
import type { KubeObject } from "./types.ts";

export const MIN_PEERS = 3;
const ERROR_RATIO = 0.05;

function serviceMonitor(ctx: RenderContext, component: Component): KubeObject | undefined {
  const metrics = component.metrics;
  if (metrics === undefined) return undefined;
  const port = endpointPort(component, metrics.endpoint);
  if (port === undefined) return undefined;
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "ServiceMonitor",
    metadata: {
      name: component.name,
      namespace: ctx.namespace,
      labels: componentLabels(ctx.plan, component),
    },
    spec: {
      selector: {
        matchLabels: { ...selectorLabels(ctx.plan, component), [SERVICE_ROLE_LABEL]: "client" },
      },
      namespaceSelector: { matchNames: [ctx.namespace] },
      endpoints: [{ port: port.name, path: metrics.path, interval: "30s" }],
    },
  };
}

function gatewayMaxLag(component: Component): number {
  const gateway = component.settings.gateway;
  if (gateway !== null && typeof gateway === "object" && "maxLag" in gateway) {
    const lag = (gateway as { maxLag: unknown }).maxLag;
    if (typeof lag === "number") return lag;
  }
  return 3;
}

export function alertRules(ctx: RenderContext): Record<string, unknown>[] {
  const ns = `namespace="${ctx.namespace}"`;
  const rules: Record<string, unknown>[] = [];
  const nodes = ctx.plan.components.filter(
    (c) => c.workload === "stateful" && (c.kind === "chain" || c.kind === "storage"),
  );
  if (nodes.length > 0) {
    const sets = `${ns},statefulset=~"${nodes.map((c) => c.name).join("|")}"`;
    rules.push({
      alert: "CryptoKubeNodeNotReady",
      expr: `kube_statefulset_status_replicas_ready{${sets}} < kube_statefulset_replicas{${sets}}`,
      for: "15m",
      labels: { severity: "warning" },
      annotations: {
        summary: "Node {{ $labels.statefulset }} is not ready",
        description:
          "{{ $labels.statefulset }} in {{ $labels.namespace }} has had unready pods for 15 minutes: still syncing, or stuck. Check `cryptokube status` and its logs.",
      },
    });
  }
  for (const gateway of ctx.plan.components.filter((c) => c.package === "gateway")) {
    const g = `${ns},service="${gateway.name}"`;
    rules.push(
      {
        alert: "CryptoKubeHeadLag",
        expr: `max by (chain, upstream) (cryptokube_gateway_upstream_lag_blocks{${g}}) > ${gatewayMaxLag(gateway)}`,
        for: "5m",
        labels: { severity: "warning" },
        annotations: {
          summary: "Upstream {{ $labels.upstream }} lags on {{ $labels.chain }}",
          description:
            "{{ $labels.upstream }} is {{ $value }} blocks behind the best node of {{ $labels.chain }}; the gateway keeps it out of rotation.",
        },
      },
      {
        alert: "CryptoKubeGatewayErrorRate",
        expr: `sum by (chain) (rate(cryptokube_gateway_requests_total{${g},status="error"}[5m])) / sum by (chain) (rate(cryptokube_gateway_requests_total{${g}}[5m])) > ${ERROR_RATIO}`,
        for: "10m",
        labels: { severity: "critical" },
        annotations: {
          summary: "Gateway errors above 5% on {{ $labels.chain }}",
          description:
            "More than 5% of JSON-RPC requests for {{ $labels.chain }} failed over 10 minutes.",
        },
      },
    );
  }
  for (const node of ctx.plan.components) {
    const metric = packageTraits(node).peerMetric;
    const p2p = node.endpoints.some((e) => e.protocol === "p2p" && e.public);
    if (metric === undefined || !p2p || node.metrics === undefined) continue;
    rules.push({
      alert: "CryptoKubeLowPeerCount",
      expr: `${metric}{${ns},service="${node.name}"} < ${MIN_PEERS}`,
      for: "15m",
      labels: { severity: "warning", component: node.name },
      annotations: {
        summary: `${node.name} has fewer than ${MIN_PEERS} peers`,
        description:
          "{{ $labels.pod }} has {{ $value }} peers; check that its p2p NodePort is reachable from outside.",
      },
    });
  }
  return rules;
}

export function monitoringObjects(ctx: RenderContext): KubeObject[] {
  const monitors = ctx.plan.components.flatMap((c) => serviceMonitor(ctx, c) ?? []);
  const rules = alertRules(ctx);
  if (rules.length === 0) return monitors;
  const rule: KubeObject = {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PrometheusRule",
    metadata: {
      name: `${ctx.plan.stack}-alerts`,
      namespace: ctx.namespace,
      labels: stackLabels(ctx.plan, "monitoring"),
    },
    spec: { groups: [{ name: `cryptokube.${ctx.plan.stack}`, rules }] },
  };
  return [...monitors, rule];
}
