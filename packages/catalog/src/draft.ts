/**
 * Small helpers packages share to build drafts and run specs. Pure functions.
 */

import { CryptoKubeError } from "@cryptokube/core";
import type { Endpoint, RunSpec, TargetName } from "@cryptokube/plan/types";
import type { BuildContext, ComponentDraft, ResolvedComponent, VariantDecl } from "./types.ts";
import { imageRef } from "./variants.ts";

type DraftDefaults =
  | "endpoints"
  | "volumes"
  | "health"
  | "resources"
  | "workload"
  | "scaling"
  | "restart"
  | "watch"
  | "dependsOn"
  | "stackDependsOn"
  | "references"
  | "secrets"
  | "facts"
  | "routes"
  | "fixedPorts"
  | "version"
  | "variantRequested";

/** A draft with the variant's declared defaults; `fields` override them. */
export function draftFromVariant(
  fields: Omit<ComponentDraft, DraftDefaults | "metrics"> & Partial<ComponentDraft>,
): ComponentDraft {
  const v = fields.variant;
  const draft: ComponentDraft = {
    endpoints: v.endpoints.map((e) => ({ ...e })),
    volumes: v.volumes.map((x) => ({ ...x })),
    health: structuredClone(v.health),
    resources: { ...v.resources },
    workload: v.workload,
    scaling: { replicas: 1 },
    restart: "always",
    watch: [],
    dependsOn: [],
    stackDependsOn: [],
    references: [],
    secrets: [],
    facts: {},
    routes: [],
    fixedPorts: false,
    version: v.version,
    variantRequested: false,
    ...fields,
  };
  if (draft.metrics === undefined && v.metrics !== undefined) draft.metrics = { ...v.metrics };
  return draft;
}

/** The resolved endpoint of a component, or a catalog bug. */
export function endpointOf(component: ResolvedComponent, name: string): Endpoint {
  const e = component.endpoints.find((x) => x.name === name);
  if (e === undefined) {
    throw new CryptoKubeError(`component '${component.name}' has no endpoint '${name}'`, {
      code: "CATALOG_BUG",
      hint: "a catalog package asked for an endpoint it did not declare",
    });
  }
  return e;
}

/** `host:port` of an endpoint's URL (for flags that take an address, not a URL). */
export function hostPort(endpoint: Endpoint): string {
  const u = new URL(endpoint.url);
  return `${u.hostname}:${endpoint.port}`;
}

/** `host:port` a server binds for one of its own endpoints. */
export function listenAddress(ctx: BuildContext, endpoint: string): string {
  return `${ctx.bindHost}:${endpointOf(ctx.self, endpoint).port}`;
}

export function portOf(ctx: BuildContext, endpoint: string): number {
  return endpointOf(ctx.self, endpoint).port;
}

/** Run spec for a native client: the binary locally, the pinned image in containers. */
export function binaryRun(
  variant: VariantDecl,
  version: string,
  args: string[],
  extra: { imageCommand?: string[] } = {},
): RunSpec {
  if (variant.binary === undefined) {
    throw new CryptoKubeError(`variant '${variant.name}' declares no binary`, {
      code: "CATALOG_BUG",
    });
  }
  return {
    type: "binary",
    binary: variant.binary,
    args,
    image: imageRef(variant, version),
    ...(extra.imageCommand === undefined ? {} : { imageCommand: extra.imageCommand }),
  };
}

/** Run spec for an image that only runs in containers (postgres, grafana). */
export function imageRun(variant: VariantDecl, version: string, args: string[]): RunSpec {
  return { type: "image", image: imageRef(variant, version), args };
}

/**
 * Run spec for our own servers: a Node.js module on the embedded and process
 * targets, the platform image (first arg selects the service) in containers.
 */
export function platformRun(
  variant: VariantDecl,
  version: string,
  target: TargetName,
  service: string,
  args: string[],
  nodeOptions: string[] = [],
): RunSpec {
  if (variant.module === undefined) {
    throw new CryptoKubeError(`variant '${variant.name}' declares no module`, {
      code: "CATALOG_BUG",
    });
  }
  const image = imageRef(variant, version);
  if (target === "embedded" || target === "process") {
    return {
      type: "node",
      module: variant.module,
      args,
      ...(nodeOptions.length > 0 ? { nodeOptions } : {}),
      image,
    };
  }
  return { type: "image", image, args: [service, ...args] };
}
