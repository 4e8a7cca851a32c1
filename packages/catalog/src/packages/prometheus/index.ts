/**
 * Prometheus scraping every component that declares a metrics endpoint. The
 * scrape configuration is generated into `settings.files["prometheus.yml"]`
 * (JSON, which is valid YAML) and passed as `{{file:prometheus.yml}}`.
 */

import { binaryRun, draftFromVariant, listenAddress } from "../../draft.ts";
import { monitoringSchema } from "../../stack-schemas.ts";
import { fileToken, volumeToken } from "../../tokens.ts";
import type { BuildContext, CatalogPackage, ExpandRequest, VariantDecl } from "../../types.ts";

export const VARIANTS: readonly VariantDecl[] = [
  {
    name: "prometheus",
    role: "server",
    description: "Prometheus server",
    version: "3.5.0",
    image: { repository: "prom/prometheus", tagPrefix: "v" },
    binary: "prometheus",
    targets: ["process", "docker", "kubernetes"],
    endpoints: [{ name: "http", protocol: "http", port: 9090 }],
    volumes: [{ name: "data", mountPath: "/prometheus", size: "20Gi", persistent: false }],
    health: {
      readiness: [{ type: "http", endpoint: "http", path: "/-/ready", expectStatus: 200 }],
      liveness: [{ type: "http", endpoint: "http", path: "/-/healthy", expectStatus: 200 }],
      startupSeconds: 60,
    },
    metrics: { endpoint: "http", path: "/metrics" },
    resources: { cpu: "250m", memory: "512Mi" },
    workload: "stateful",
  },
];

export interface ScrapeConfig {
  global: { scrape_interval: string; evaluation_interval: string };
  scrape_configs: Array<{
    job_name: string;
    metrics_path: string;
    static_configs: Array<{ targets: string[]; labels: Record<string, string> }>;
  }>;
}

/** One job per component with metrics; one target per instance. */
export function scrapeConfig(ctx: BuildContext): ScrapeConfig {
  const jobs = ctx.components.flatMap((c) => {
    if (c.metrics === undefined) return [];
    const { endpoint, path } = c.metrics;
    const targets = ctx.instanceUrls(c.name, endpoint).map((u) => new URL(u).host);
    return [
      {
        job_name: c.name,
        metrics_path: path,
        static_configs: [
          { targets, labels: { component: c.name, package: c.package, stack: ctx.stack.name } },
        ],
      },
    ];
  });
  return {
    global: { scrape_interval: "15s", evaluation_interval: "15s" },
    scrape_configs: jobs,
  };
}

function expand(req: ExpandRequest) {
  const config = monitoringSchema.parse(req.config);
  const variant = VARIANTS[0];
  if (variant === undefined) return [];
  return [
    draftFromVariant({
      name: req.name,
      kind: "service",
      package: "prometheus",
      variant,
      variantSource: `${req.source}.prometheus`,
      source: req.source,
      build: (ctx) => {
        const scrape = scrapeConfig(ctx);
        const args = [
          `--config.file=${fileToken("prometheus.yml")}`,
          `--storage.tsdb.path=${volumeToken("data")}`,
          `--storage.tsdb.retention.time=${config.retention}`,
          `--web.listen-address=${listenAddress(ctx, "http")}`,
        ];
        return {
          run: binaryRun(variant, variant.version, args),
          settings: {
            files: { "prometheus.yml": `${JSON.stringify(scrape, null, 2)}\n` },
            prometheus: scrape,
          },
        };
      },
    }),
  ];
}

export const prometheusPackage: CatalogPackage = {
  id: "prometheus",
  description: "Metrics collection for every component of the stack",
  kind: "service",
  configSchema: monitoringSchema,
  variants: VARIANTS,
  auto: { server: ["prometheus"] },
  expand,
};
