/** What every object builder reads: the plan (already in the target namespace) and the options. */
import type { Component, Plan } from "@cryptokube/plan/types";
import type { RenderOptions } from "./types.ts";

export interface RenderContext {
  plan: Plan;
  namespace: string;
  options: RenderOptions;
  component(name: string): Component | undefined;
}

export function createRenderContext(plan: Plan, options: RenderOptions): RenderContext {
  const namespace = options.namespace ?? plan.namespace;
  const retargeted = namespace === plan.namespace ? plan : moveNamespace(plan, namespace);
  const byName = new Map(retargeted.components.map((c) => [c.name, c]));
  return {
    plan: retargeted,
    namespace,
    options,
    component: (name) => byName.get(name),
  };
}

/**
 * The plan resolved cluster DNS names (`eth.<ns>.svc.cluster.local`) against its own
 * namespace; rendering into another one rewrites them so references keep working.
 */
function moveNamespace(plan: Plan, namespace: string): Plan {
  const from = `.${plan.namespace}.svc`;
  const to = `.${namespace}.svc`;
  const rewrite = (value: unknown): unknown => {
    if (typeof value === "string") return value.replaceAll(from, to);
    if (Array.isArray(value)) return value.map(rewrite);
    if (value !== null && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewrite(v)]));
    }
    return value;
  };
  return { ...(rewrite(plan) as Plan), namespace };
}
