/**
 * What "the stack's objects" means on a cluster: objects carrying both the managed-by
 * and the stack label, of the kinds render produces. Prune, destroy and status all
 * select with this and nothing broader, so unlabelled objects are never touched.
 */
import { labelValue, MANAGED_BY, MANAGED_BY_LABEL, STACK_LABEL } from "../render/labels.ts";

export function stackSelector(stack: string): string {
  return `${MANAGED_BY_LABEL}=${MANAGED_BY},${STACK_LABEL}=${labelValue(stack)}`;
}

export interface KindRef {
  apiVersion: string;
  kind: string;
  namespaced: boolean;
  /** Only listed when the API server serves the group (CRDs such as monitoring). */
  optional?: boolean;
}

/** Every kind render produces (or may produce); listing these finds all of a stack's objects. */
export const STACK_KINDS: KindRef[] = [
  { apiVersion: "v1", kind: "ServiceAccount", namespaced: true },
  { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", namespaced: true },
  { apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", namespaced: true },
  { apiVersion: "v1", kind: "Secret", namespaced: true },
  { apiVersion: "v1", kind: "ConfigMap", namespaced: true },
  { apiVersion: "v1", kind: "PersistentVolumeClaim", namespaced: true },
  { apiVersion: "v1", kind: "Service", namespaced: true },
  { apiVersion: "apps/v1", kind: "Deployment", namespaced: true },
  { apiVersion: "apps/v1", kind: "StatefulSet", namespaced: true },
  { apiVersion: "apps/v1", kind: "DaemonSet", namespaced: true },
  { apiVersion: "batch/v1", kind: "Job", namespaced: true },
  { apiVersion: "policy/v1", kind: "PodDisruptionBudget", namespaced: true },
  { apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", namespaced: true },
  { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", namespaced: true },
  {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "ServiceMonitor",
    namespaced: true,
    optional: true,
  },
  { apiVersion: "monitoring.coreos.com/v1", kind: "PodMonitor", namespaced: true, optional: true },
  {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PrometheusRule",
    namespaced: true,
    optional: true,
  },
];

/** Kinds whose objects hold data: removed only when the user asks (`--volumes`). */
export const DATA_KINDS = new Set(["PersistentVolumeClaim"]);
