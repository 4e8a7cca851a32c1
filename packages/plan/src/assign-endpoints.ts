/**
 * Ports and URLs per target. Kubernetes keeps the catalog's default ports and
 * uses cluster DNS; local targets (embedded, process, docker with host
 * networking) use loopback and hand out the stack's port block in component
 * order, keeping apps' declared ports as declared.
 */
import type { ComponentDraft, EndpointDecl } from "@cryptokube/catalog";
import { PlanError } from "@cryptokube/core";
import type { Endpoint, TargetName } from "./types.ts";

export const LOOPBACK = "127.0.0.1";

export function clusterHost(component: string, namespace: string): string {
  return `${component}.${namespace}.svc.cluster.local`;
}

function scheme(e: EndpointDecl): string {
  switch (e.protocol) {
    case "http":
      return e.tls === true ? "https" : "http";
    case "ws":
      return e.tls === true ? "wss" : "ws";
    case "grpc":
      return "grpc";
    default:
      return "tcp";
  }
}

export function endpointUrl(e: EndpointDecl, host: string, port: number): string {
  return `${scheme(e)}://${host}:${port}${e.path ?? ""}`;
}

export interface PortOptions {
  target: TargetName;
  namespace: string;
  portBase: number;
  /** Document path to blame when the block overflows. */
  portBaseSource: string;
}

/** Endpoints per component name, drafts in plan order. */
export function assignEndpoints(
  drafts: readonly ComponentDraft[],
  options: PortOptions,
): Map<string, Endpoint[]> {
  const cluster = options.target === "kubernetes";
  const reserved = new Set(
    drafts.filter((d) => d.fixedPorts).flatMap((d) => d.endpoints.map((e) => e.port)),
  );
  let next = options.portBase;
  const take = (): number => {
    while (reserved.has(next)) next++;
    const port = next++;
    if (port > 65535) {
      throw new PlanError([
        {
          path: options.portBaseSource,
          message: `the stack needs more ports than fit between ${options.portBase} and 65535`,
          suggestion: "set local.portBase lower",
        },
      ]);
    }
    return port;
  };
  const out = new Map<string, Endpoint[]>();
  for (const draft of drafts) {
    const host = cluster ? clusterHost(draft.name, options.namespace) : LOOPBACK;
    const ports = new Map<string, number>();
    for (const e of draft.endpoints) {
      if (e.samePortAs !== undefined) continue;
      ports.set(e.name, cluster || draft.fixedPorts ? e.port : take());
    }
    out.set(
      draft.name,
      draft.endpoints.map((e) => {
        const port = ports.get(e.samePortAs ?? e.name) ?? e.port;
        const endpoint: Endpoint = {
          name: e.name,
          port,
          protocol: e.protocol,
          ...(e.path === undefined ? {} : { path: e.path }),
          url: endpointUrl(e, host, port),
          public: e.public === true,
        };
        return endpoint;
      }),
    );
  }
  return out;
}

/**
 * URLs of each instance of a replicated stateful component: pod DNS through
 * its headless Service on Kubernetes (`<name>-<i>.<name>.<ns>.svc...`).
 */
export function instanceUrls(
  draft: ComponentDraft,
  endpoint: Endpoint,
  replicas: number,
  target: TargetName,
  namespace: string,
): string[] {
  if (target !== "kubernetes" || replicas <= 1 || draft.workload !== "stateful")
    return [endpoint.url];
  const decl = draft.endpoints.find((e) => e.name === endpoint.name);
  if (decl === undefined) return [endpoint.url];
  return Array.from({ length: replicas }, (_, i) =>
    endpointUrl(decl, `${draft.name}-${i}.${clusterHost(draft.name, namespace)}`, endpoint.port),
  );
}
