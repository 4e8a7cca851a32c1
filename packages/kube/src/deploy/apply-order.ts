/**
 * The order objects are applied in: what others refer to first (namespace, identities,
 * secrets and config, storage), then Services, then workloads, then what acts on
 * workloads (disruption budgets, autoscalers, network policies), monitoring last.
 * Deletion (prune, destroy) runs the same list backwards.
 */
import type { KubeObject } from "../render/types.ts";

const KIND_RANK: Record<string, number> = {
  Namespace: 0,
  ResourceQuota: 1,
  LimitRange: 1,
  ServiceAccount: 2,
  ClusterRole: 3,
  Role: 3,
  ClusterRoleBinding: 4,
  RoleBinding: 4,
  Secret: 5,
  ConfigMap: 5,
  StorageClass: 6,
  PersistentVolumeClaim: 6,
  Service: 7,
  Deployment: 8,
  StatefulSet: 8,
  DaemonSet: 8,
  Job: 9,
  CronJob: 9,
  PodDisruptionBudget: 10,
  HorizontalPodAutoscaler: 10,
  NetworkPolicy: 10,
  Ingress: 11,
  ServiceMonitor: 12,
  PodMonitor: 12,
  PrometheusRule: 12,
};

/** Kinds not listed go after everything known but before monitoring. */
const UNKNOWN_RANK = 11;

export function applyRank(kind: string): number {
  return KIND_RANK[kind] ?? UNKNOWN_RANK;
}

/** Stable sort by rank, then kind, then name, so the order is deterministic. */
export function sortForApply<T extends Pick<KubeObject, "kind" | "metadata">>(objects: T[]): T[] {
  return [...objects].sort(
    (a, b) =>
      applyRank(a.kind) - applyRank(b.kind) ||
      a.kind.localeCompare(b.kind) ||
      a.metadata.name.localeCompare(b.metadata.name),
  );
}

/**
 * Which wave of concurrent applies a kind goes in. The API server checks few references
 * at admission: namespaced objects need their Namespace, and pods need their
 * ServiceAccount, Secrets and ConfigMaps when the controllers create them (or they fail
 * and back off). So: the namespace; then everything workloads use, plus the policies
 * that only select pods (NetworkPolicies in force before the first pod); then
 * workloads; then monitoring objects.
 */
export function applyWave(kind: string): number {
  if (kind === "Namespace") return 0;
  const rank = applyRank(kind);
  if (rank === KIND_RANK.Deployment || rank === KIND_RANK.Job) return 2;
  if (rank >= (KIND_RANK.ServiceMonitor ?? 12)) return 3;
  return 1;
}

/** Objects grouped by wave, in apply order; the objects of one wave are applied concurrently. */
export function applyWaves<T extends Pick<KubeObject, "kind" | "metadata">>(objects: T[]): T[][] {
  const waves: T[][] = [[], [], [], []];
  for (const object of sortForApply(objects)) waves[applyWave(object.kind)]?.push(object);
  return waves.filter((wave) => wave.length > 0);
}

/** The reference the API needs to read or delete an object: its type, name and namespace. */
export function objectRef(object: {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
}) {
  const { name, namespace } = object.metadata;
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    metadata: namespace === undefined ? { name } : { name, namespace },
  };
}

/** `group/version/Kind/namespace/name`: identity of an object across renders and the cluster. */
export function objectKey(object: {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string };
}): string {
  const group = groupOf(object.apiVersion ?? "");
  return `${group}/${object.kind ?? ""}/${object.metadata?.namespace ?? ""}/${object.metadata?.name ?? ""}`;
}

/** API group of an apiVersion ("" for the core group); versions of one group are the same object. */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf("/");
  return slash === -1 ? "" : apiVersion.slice(0, slash);
}

export function describeObject(object: Pick<KubeObject, "kind" | "metadata">): string {
  return `${object.kind}/${object.metadata.name}`;
}
