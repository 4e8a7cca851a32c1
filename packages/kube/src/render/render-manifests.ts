/**
 * Plan → Kubernetes objects. Pure and deterministic: the same plan and options
 * always give the same objects in the same order (apply order: namespace,
 * identities, secrets and config, services, workloads, policies, monitoring).
 */
import type { Plan } from "@cryptokube/plan/types";
import { accessControl } from "./access-control.ts";
import { filesConfigMap } from "./config-maps.ts";
import { dashboardConfigMap } from "./dashboards.ts";
import { monitoringObjects } from "./monitoring.ts";
import { namespaceObject } from "./namespace.ts";
import { networkPolicies } from "./network-policies.ts";
import { createRenderContext } from "./render-context.ts";
import { horizontalPodAutoscaler, podDisruptionBudget } from "./scaling.ts";
import { secretObjects } from "./secrets.ts";
import { services } from "./services.ts";
import type { KubeObject, RenderOptions } from "./types.ts";
import { workload, workloadKind } from "./workloads.ts";

export const KIND_ORDER: readonly string[] = [
  "Namespace",
  "ServiceAccount",
  "Role",
  "RoleBinding",
  "Secret",
  "ConfigMap",
  "Service",
  "StatefulSet",
  "Deployment",
  "PodDisruptionBudget",
  "HorizontalPodAutoscaler",
  "NetworkPolicy",
  "ServiceMonitor",
  "PrometheusRule",
];

/** Kinds that exist only with the Prometheus Operator's CRDs. */
export const MONITORING_KINDS: readonly string[] = [
  "ServiceMonitor",
  "PodMonitor",
  "PrometheusRule",
];

export function renderManifests(plan: Plan, options: RenderOptions = {}): KubeObject[] {
  const ctx = createRenderContext(plan, options);
  const objects: KubeObject[] = [namespaceObject(ctx), ...secretObjects(ctx)];
  for (const component of ctx.plan.components) {
    objects.push(...accessControl(ctx, component));
    const files = filesConfigMap(ctx, component);
    if (files !== undefined) objects.push(files);
    objects.push(...services(ctx, component), workload(ctx, component));
    const pdb = podDisruptionBudget(ctx, component);
    if (pdb !== undefined) objects.push(pdb);
    const hpa = horizontalPodAutoscaler(ctx, component, workloadKind(component));
    if (hpa !== undefined) objects.push(hpa);
  }
  objects.push(dashboardConfigMap(ctx), ...networkPolicies(ctx));
  if (options.monitoring === true) objects.push(...monitoringObjects(ctx));
  const rank = (kind: string) => {
    const i = KIND_ORDER.indexOf(kind);
    return i === -1 ? KIND_ORDER.length : i;
  };
  // Array.prototype.sort is stable: within a kind, plan order stays.
  return objects.sort((a, b) => rank(a.kind) - rank(b.kind));
}
