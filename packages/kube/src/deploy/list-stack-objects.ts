/**
 * Lists a stack's live objects in one namespace: every namespaced kind render produces,
 * filtered by the stack selector. Objects outside the namespace (cluster-scoped ones,
 * or the same stack deployed to another namespace) are never returned.
 */
import type { KubernetesObject } from "@kubernetes/client-node";
import { isNetworkError, isNotFound, statusCodeOf, unreachable } from "./api-errors.ts";
import type { KubeClient } from "./kube-client.ts";
import { retryTransient } from "./retry-transient.ts";
import { STACK_KINDS, stackSelector } from "./stack-selector.ts";

export interface LiveObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    ownerReferences?: unknown[];
  };
  raw: KubernetesObject;
}

export async function listStackObjects(
  client: KubeClient,
  options: {
    namespace: string;
    stack: string;
    served: Set<string>;
    extraKinds?: { apiVersion: string; kind: string }[];
    /** Told about kinds the identity may not list (they are skipped, not fatal). */
    onWarning?: (message: string) => void;
  },
): Promise<LiveObject[]> {
  const kinds = [...STACK_KINDS];
  for (const extra of options.extraKinds ?? []) {
    if (!kinds.some((kind) => kind.kind === extra.kind && kind.apiVersion === extra.apiVersion))
      kinds.push({ ...extra, namespaced: true });
  }
  const selector = stackSelector(options.stack);
  const lists = await Promise.all(
    kinds
      .filter((kind) => options.served.has(kind.apiVersion))
      .map(async (kind) => {
        try {
          const list = await retryTransient(() =>
            client.objects.list(
              kind.apiVersion,
              kind.kind,
              options.namespace,
              undefined,
              undefined,
              undefined,
              undefined,
              selector,
            ),
          );
          return list.items
            .map((item) => toLive(kind.apiVersion, kind.kind, item))
            .filter((item) => item.metadata.namespace === options.namespace);
        } catch (error) {
          if (isNetworkError(error)) throw unreachable(client.server, error);
          // The namespace (or a CRD) vanished between discovery and listing: nothing to find.
          if (isNotFound(error)) return [];
          if (statusCodeOf(error) === 403) {
            options.onWarning?.(
              `not allowed to list ${kind.kind} in ${options.namespace}: stale ones of the stack cannot be found (nor pruned)`,
            );
            return [];
          }
          throw error;
        }
      }),
  );
  return lists.flat();
}

function toLive(apiVersion: string, kind: string, item: KubernetesObject): LiveObject {
  const metadata = item.metadata ?? {};
  return {
    apiVersion,
    kind,
    metadata: {
      name: metadata.name ?? "",
      ...(metadata.namespace === undefined ? {} : { namespace: metadata.namespace }),
      ...(metadata.labels === undefined ? {} : { labels: metadata.labels }),
      ...(metadata.ownerReferences === undefined
        ? {}
        : { ownerReferences: metadata.ownerReferences }),
    },
    raw: item,
  };
}
