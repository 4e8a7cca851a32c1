/**
 * CryptoKube's own services (gateway, indexer, dashboard) ship in one container
 * image; its first argument selects the service.
 */
export const PLATFORM_VERSION = "0.1.0";
export const PLATFORM_IMAGE = { repository: "cryptokube/platform" } as const;

import type { HealthChecks } from "@cryptokube/plan/types";
import type { EndpointDecl, ResourceDefaults, VariantDecl } from "./types.ts";

export const PLATFORM_HEALTH: HealthChecks = {
  readiness: [{ type: "http", endpoint: "http", path: "/readyz", expectStatus: 200 }],
  liveness: [{ type: "http", endpoint: "http", path: "/healthz", expectStatus: 200 }],
  startupSeconds: 30,
};

export function platformVariant(fields: {
  module: string;
  description: string;
  endpoints: readonly EndpointDecl[];
  resources: ResourceDefaults;
  workload: "stateful" | "stateless";
  volumes?: VariantDecl["volumes"];
}): VariantDecl {
  return {
    name: "cryptokube",
    role: "service",
    description: fields.description,
    version: PLATFORM_VERSION,
    image: PLATFORM_IMAGE,
    module: fields.module,
    targets: ["embedded", "process", "docker", "kubernetes"],
    endpoints: fields.endpoints,
    volumes: fields.volumes ?? [],
    health: PLATFORM_HEALTH,
    metrics: { endpoint: "http", path: "/metrics" },
    resources: fields.resources,
    workload: fields.workload,
    // Our services retry their upstreams and gate /readyz on them.
    startsWithDependencies: true,
  };
}
