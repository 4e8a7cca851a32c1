/** The stack's namespace, enforcing Pod Security "restricted" (and warning/auditing at it). */
import { stackLabels } from "./labels.ts";
import type { RenderContext } from "./render-context.ts";
import type { KubeObject } from "./types.ts";

export function namespaceObject(ctx: RenderContext): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name: ctx.namespace,
      labels: {
        ...stackLabels(ctx.plan),
        "pod-security.kubernetes.io/enforce": "restricted",
        "pod-security.kubernetes.io/enforce-version": "latest",
        "pod-security.kubernetes.io/warn": "restricted",
        "pod-security.kubernetes.io/warn-version": "latest",
        "pod-security.kubernetes.io/audit": "restricted",
        "pod-security.kubernetes.io/audit-version": "latest",
      },
    },
  };
}
