/**
 * Replica counts, autoscaling and disruption budgets. Stateless services that scale
 * horizontally get an HPA even when the stack file sets none (min = replicas,
 * max = 3 × replicas, 70 % CPU); an HPA'd Deployment leaves `replicas` to the HPA
 * so applying the manifests never fights it.
 */
import type { Component, Scaling } from "@cryptokube/plan/types";
import { componentLabels, selectorLabels } from "./labels.ts";
import { packageTraits } from "./package-traits.ts";
import type { RenderContext } from "./render-context.ts";
import type { KubeObject } from "./types.ts";

export type Autoscaling = NonNullable<Scaling["autoscaling"]>;

export function autoscaling(component: Component): Autoscaling | undefined {
  if (component.workload !== "stateless") return undefined;
  if (component.scaling.autoscaling !== undefined) return component.scaling.autoscaling;
  const traits = packageTraits(component);
  if (!traits.autoscales || traits.singleWriter) return undefined;
  const min = component.scaling.replicas;
  return { min, max: Math.max(min * 3, 2), targetCPUUtilization: 70 };
}

/** The fewest pods the component runs with. */
export function minReplicas(component: Component): number {
  return autoscaling(component)?.min ?? component.scaling.replicas;
}

export function horizontalPodAutoscaler(
  ctx: RenderContext,
  component: Component,
  kind: string,
): KubeObject | undefined {
  const scaling = autoscaling(component);
  if (scaling === undefined) return undefined;
  return {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: {
      name: component.name,
      namespace: ctx.namespace,
      labels: componentLabels(ctx.plan, component),
    },
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind, name: component.name },
      minReplicas: scaling.min,
      maxReplicas: scaling.max,
      metrics: [
        {
          type: "Resource",
          resource: {
            name: "cpu",
            target: { type: "Utilization", averageUtilization: scaling.targetCPUUtilization },
          },
        },
      ],
    },
  };
}

/** A budget only where there is something to keep: two pods or more. */
export function podDisruptionBudget(
  ctx: RenderContext,
  component: Component,
): KubeObject | undefined {
  if (minReplicas(component) < 2) return undefined;
  return {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: {
      name: component.name,
      namespace: ctx.namespace,
      labels: componentLabels(ctx.plan, component),
    },
    spec: {
      maxUnavailable: 1,
      selector: { matchLabels: selectorLabels(ctx.plan, component) },
    },
  };
}
