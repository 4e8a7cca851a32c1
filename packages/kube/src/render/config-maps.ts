/** `settings.files` of a component as a ConfigMap, mounted where `{{file:n}}` points. */
import type { Component } from "@cryptokube/plan/types";
import { componentFiles } from "./container-paths.ts";
import { componentLabels } from "./labels.ts";
import { filesConfigMapName } from "./pod-template.ts";
import type { RenderContext } from "./render-context.ts";
import type { KubeObject } from "./types.ts";

export function filesConfigMap(ctx: RenderContext, component: Component): KubeObject | undefined {
  const files = componentFiles(component);
  if (Object.keys(files).length === 0) return undefined;
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: filesConfigMapName(component),
      namespace: ctx.namespace,
      labels: componentLabels(ctx.plan, component),
    },
    data: Object.fromEntries(
      Object.keys(files)
        .sort()
        .map((k) => [k, files[k] ?? ""]),
    ),
  };
}
