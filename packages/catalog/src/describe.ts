/**
 * Plain data about packages for `cryptokube catalog list|show`. No formatting:
 * the CLI decides how to print it.
 */
import { CryptoKubeError } from "@cryptokube/core";
import type { HealthChecks, MetricsEndpoint, Resources, TargetName } from "@cryptokube/plan/types";
import { z } from "zod";
import { CATALOG } from "./catalog.ts";
import { limitsFor } from "./resources.ts";
import type { Catalog, CatalogPackage, EndpointDecl, VolumeDecl } from "./types.ts";
import { imageRef } from "./variants.ts";

export interface VariantDescription {
  name: string;
  role: string;
  description: string;
  version: string;
  /** Full image reference, or null for in-process variants. */
  image: string | null;
  binary: string | null;
  module: string | null;
  targets: TargetName[];
  networks: string[] | null;
  /** Roles for which `auto` picks this variant first on some target. */
  autoFor: string[];
  endpoints: EndpointDecl[];
  volumes: VolumeDecl[];
  health: HealthChecks;
  metrics: MetricsEndpoint | null;
  resources: Resources;
  workload: "stateful" | "stateless";
}

export interface PackageDescription {
  id: string;
  description: string;
  kind: string;
  auto: Record<string, string[]>;
  variants: VariantDescription[];
  /** JSON Schema of the stack entry the package configures. */
  config: unknown;
}

export interface PackageSummary {
  id: string;
  description: string;
  variants: string[];
  targets: TargetName[];
}

const TARGET_ORDER: readonly TargetName[] = ["embedded", "process", "docker", "kubernetes"];

function describeVariants(pkg: CatalogPackage): VariantDescription[] {
  return pkg.variants.map((v) => ({
    name: v.name,
    role: v.role,
    description: v.description,
    version: v.version,
    image: v.image === undefined ? null : imageRef(v),
    binary: v.binary ?? null,
    module: v.module ?? null,
    targets: [...v.targets],
    networks: v.networks === undefined ? null : [...v.networks],
    autoFor: Object.entries(pkg.auto)
      .filter(([, names]) => names.includes(v.name) && v.role !== undefined)
      .map(([role]) => role),
    endpoints: v.endpoints.map((e) => ({ ...e })),
    volumes: v.volumes.map((x) => ({ ...x })),
    health: structuredClone(v.health),
    metrics: v.metrics === undefined ? null : { ...v.metrics },
    resources: { requests: { ...v.resources }, limits: limitsFor(v.resources) },
    workload: v.workload,
  }));
}

function configJsonSchema(pkg: CatalogPackage): unknown {
  try {
    return z.toJSONSchema(pkg.configSchema, { unrepresentable: "any" });
  } catch {
    return null;
  }
}

export function describePackage(id: string, catalog: Catalog = CATALOG): PackageDescription {
  const pkg = catalog.get(id);
  if (pkg === undefined) {
    throw new CryptoKubeError(`no catalog package '${id}'`, {
      code: "CATALOG_UNKNOWN_PACKAGE",
      hint: `known packages: ${catalog.packages.map((p) => p.id).join(", ")}`,
    });
  }
  return {
    id: pkg.id,
    description: pkg.description,
    kind: pkg.kind,
    auto: Object.fromEntries(Object.entries(pkg.auto).map(([role, names]) => [role, [...names]])),
    variants: describeVariants(pkg),
    config: configJsonSchema(pkg),
  };
}

export function listPackages(catalog: Catalog = CATALOG): PackageSummary[] {
  return catalog.packages.map((pkg) => {
    const targets = new Set(pkg.variants.flatMap((v) => v.targets));
    return {
      id: pkg.id,
      description: pkg.description,
      variants: pkg.variants.map((v) => v.name),
      targets: TARGET_ORDER.filter((t) => targets.has(t)),
    };
  });
}
