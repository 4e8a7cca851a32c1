/**
 * Labels on every rendered object: the recommended app.kubernetes.io set plus the
 * stack ownership label the deploy step prunes by.
 */
import type { Component, Plan } from "@cryptokube/plan/types";

export const STACK_LABEL = "cryptokube.dev/stack";
export const MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
export const MANAGED_BY = "cryptokube";
/** Version label of the objects shared by the whole stack (namespace, policies). */
export const RENDER_VERSION = "0.1.0";

/** A label value: at most 63 characters of [A-Za-z0-9-_.], alphanumeric at both ends. */
export function labelValue(text: string): string {
  const cleaned = text
    .replace(/[^A-Za-z0-9._-]/g, "-")
    .slice(0, 63)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "");
  return cleaned;
}

/** Labels that select a component's pods; stable across versions so selectors never change. */
export function selectorLabels(plan: Plan, component: Component): Record<string, string> {
  return {
    "app.kubernetes.io/instance": labelValue(component.name),
    [STACK_LABEL]: labelValue(plan.stack),
  };
}

export function componentLabels(plan: Plan, component: Component): Record<string, string> {
  return {
    "app.kubernetes.io/name": labelValue(component.package),
    "app.kubernetes.io/instance": labelValue(component.name),
    "app.kubernetes.io/component": component.kind,
    "app.kubernetes.io/part-of": labelValue(plan.stack),
    "app.kubernetes.io/version": labelValue(component.version),
    [MANAGED_BY_LABEL]: MANAGED_BY,
    [STACK_LABEL]: labelValue(plan.stack),
  };
}

/** Labels of objects that belong to the stack as a whole rather than one component. */
export function stackLabels(plan: Plan, component = "stack"): Record<string, string> {
  return {
    "app.kubernetes.io/name": "cryptokube",
    "app.kubernetes.io/instance": labelValue(plan.stack),
    "app.kubernetes.io/component": component,
    "app.kubernetes.io/part-of": labelValue(plan.stack),
    "app.kubernetes.io/version": RENDER_VERSION,
    [MANAGED_BY_LABEL]: MANAGED_BY,
    [STACK_LABEL]: labelValue(plan.stack),
  };
}
