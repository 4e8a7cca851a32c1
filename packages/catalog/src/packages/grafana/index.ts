/**
 * Grafana with the stack's Prometheus provisioned as its default data source.
 * The admin password is a generated secret.
 */

import { draftFromVariant, imageRun, portOf } from "../../draft.ts";
import { monitoringSchema } from "../../stack-schemas.ts";
import type { BuildContext, CatalogPackage, ExpandRequest, VariantDecl } from "../../types.ts";

const DATASOURCES_FILE = "datasources.yaml";

export const VARIANTS: readonly VariantDecl[] = [
  {
    name: "grafana",
    role: "server",
    description: "Grafana OSS",
    version: "12.2.0",
    image: { repository: "grafana/grafana" },
    targets: ["docker", "kubernetes"],
    endpoints: [{ name: "http", protocol: "http", port: 3000 }],
    volumes: [{ name: "data", mountPath: "/var/lib/grafana", size: "5Gi", persistent: false }],
    health: {
      readiness: [{ type: "http", endpoint: "http", path: "/api/health", expectStatus: 200 }],
      liveness: [{ type: "tcp", endpoint: "http" }],
      startupSeconds: 60,
    },
    metrics: { endpoint: "http", path: "/metrics" },
    resources: { cpu: "100m", memory: "256Mi" },
    workload: "stateful",
  },
];

export function grafanaAdminSecret(component: string): string {
  return `${component}-admin`;
}

function datasources(ctx: BuildContext) {
  const url = ctx.component("prometheus")?.endpoints.find((e) => e.name === "http")?.url;
  return {
    apiVersion: 1,
    datasources:
      url === undefined
        ? []
        : [{ name: "Prometheus", type: "prometheus", access: "proxy", url, isDefault: true }],
  };
}

function expand(req: ExpandRequest) {
  const config = monitoringSchema.parse(req.config);
  const variant = VARIANTS[0];
  if (variant === undefined) return [];
  const secret = grafanaAdminSecret(req.name);
  return [
    draftFromVariant({
      name: req.name,
      kind: "service",
      package: "grafana",
      variant,
      variantSource: `${req.source}.grafana`,
      source: req.source,
      dependsOn: config.prometheus ? ["prometheus"] : [],
      secrets: [{ name: secret, generate: { kind: "hex", bytes: 16 }, keys: ["password"] }],
      build: (ctx) => ({
        run: imageRun(variant, variant.version, []),
        env: {
          GF_SECURITY_ADMIN_PASSWORD: { secret, key: "password" },
          GF_SECURITY_ADMIN_USER: "admin",
          GF_SERVER_HTTP_ADDR: ctx.bindHost,
          GF_SERVER_HTTP_PORT: String(portOf(ctx, "http")),
        },
        settings: {
          files: { [DATASOURCES_FILE]: `${JSON.stringify(datasources(ctx), null, 2)}\n` },
          fileMounts: {
            [DATASOURCES_FILE]: "/etc/grafana/provisioning/datasources/cryptokube.yaml",
          },
        },
      }),
    }),
  ];
}

export const grafanaPackage: CatalogPackage = {
  id: "grafana",
  description: "Dashboards over the stack's Prometheus",
  kind: "service",
  configSchema: monitoringSchema,
  variants: VARIANTS,
  auto: { server: ["grafana"] },
  expand,
};
