/**
 * A Grafana dashboard of the stack as a ConfigMap labelled for Grafana's
 * dashboard sidecar (grafana_dashboard: "1"). Needs no CRD, so it is always rendered.
 */
import { stackLabels } from "./labels.ts";
import { packageTraits } from "./package-traits.ts";
import type { RenderContext } from "./render-context.ts";
import type { KubeObject } from "./types.ts";

interface Panel {
  title: string;
  unit: string;
  targets: { expr: string; legendFormat: string }[];
}

function panels(ctx: RenderContext): Panel[] {
  const ns = `namespace="${ctx.namespace}"`;
  const list: Panel[] = [
    {
      title: "Ready pods",
      unit: "short",
      targets: [
        {
          expr: `sum by (pod) (kube_pod_status_ready{${ns},condition="true"})`,
          legendFormat: "{{pod}}",
        },
      ],
    },
  ];
  if (ctx.plan.components.some((c) => c.package === "gateway")) {
    const g = `${ns}`;
    list.push(
      {
        title: "Gateway requests per second",
        unit: "reqps",
        targets: [
          {
            expr: `sum by (chain, status) (rate(cryptokube_gateway_requests_total{${g}}[5m]))`,
            legendFormat: "{{chain}} {{status}}",
          },
        ],
      },
      {
        title: "Gateway p95 latency",
        unit: "s",
        targets: [
          {
            expr: `histogram_quantile(0.95, sum by (le, chain) (rate(cryptokube_gateway_request_duration_seconds_bucket{${g}}[5m])))`,
            legendFormat: "{{chain}}",
          },
        ],
      },
      {
        title: "Upstream lag (blocks)",
        unit: "short",
        targets: [
          {
            expr: `max by (chain, upstream) (cryptokube_gateway_upstream_lag_blocks{${g}})`,
            legendFormat: "{{chain}} {{upstream}}",
          },
        ],
      },
      {
        title: "Head block",
        unit: "short",
        targets: [
          {
            expr: `max by (chain) (cryptokube_gateway_head_block{${g}})`,
            legendFormat: "{{chain}}",
          },
        ],
      },
    );
  }
  const peers = ctx.plan.components.flatMap((c) => {
    const metric = packageTraits(c).peerMetric;
    return metric === undefined || c.metrics === undefined
      ? []
      : [{ expr: `${metric}{${ns},service="${c.name}"}`, legendFormat: c.name }];
  });
  if (peers.length > 0) list.push({ title: "Peers", unit: "short", targets: peers });
  return list;
}

export function dashboardConfigMap(ctx: RenderContext): KubeObject {
  const dashboard = {
    title: `CryptoKube: ${ctx.plan.stack}`,
    uid: `cryptokube-${ctx.plan.stack}`.slice(0, 40),
    tags: ["cryptokube"],
    timezone: "browser",
    schemaVersion: 39,
    time: { from: "now-6h", to: "now" },
    panels: panels(ctx).map((panel, i) => ({
      id: i + 1,
      type: "timeseries",
      title: panel.title,
      gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
      fieldConfig: { defaults: { unit: panel.unit }, overrides: [] },
      targets: panel.targets.map((t, j) => ({
        refId: String.fromCharCode(65 + j),
        expr: t.expr,
        legendFormat: t.legendFormat,
      })),
    })),
  };
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: `${ctx.plan.stack}-dashboard`,
      namespace: ctx.namespace,
      labels: { ...stackLabels(ctx.plan, "dashboard"), grafana_dashboard: "1" },
    },
    data: { [`${ctx.plan.stack}.json`]: `${JSON.stringify(dashboard, null, 2)}\n` },
  };
}
