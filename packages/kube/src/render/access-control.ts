/**
 * One ServiceAccount per component, with no API token mounted. Only components
 * that read the Kubernetes API (the dashboard's stack page: the stack's Deployments,
 * StatefulSets, pods, their logs and events in its own namespace) get a token, a Role
 * with exactly get/list/watch on those, and a RoleBinding; everything else has no
 * RBAC at all.
 */
import type { Component } from "@cryptokube/plan/types";
import { componentLabels } from "./labels.ts";
import { packageTraits } from "./package-traits.ts";
import { serviceAccountName } from "./pod-template.ts";
import type { RenderContext } from "./render-context.ts";
import type { KubeObject } from "./types.ts";

export const READ_STACK_RULES = [
  { apiGroups: [""], resources: ["pods", "pods/log", "events"], verbs: ["get", "list", "watch"] },
  {
    apiGroups: ["apps"],
    resources: ["deployments", "statefulsets"],
    verbs: ["get", "list", "watch"],
  },
];

export function accessControl(ctx: RenderContext, component: Component): KubeObject[] {
  const labels = componentLabels(ctx.plan, component);
  const metadata = { name: serviceAccountName(component), namespace: ctx.namespace, labels };
  const objects: KubeObject[] = [
    { apiVersion: "v1", kind: "ServiceAccount", metadata, automountServiceAccountToken: false },
  ];
  if (!packageTraits(component).readsKubeApi) return objects;
  const role = `${component.name}-read-stack`;
  objects.push(
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: { ...metadata, name: role },
      rules: READ_STACK_RULES,
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { ...metadata, name: role },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role },
      subjects: [
        { kind: "ServiceAccount", name: serviceAccountName(component), namespace: ctx.namespace },
      ],
    },
  );
  return objects;
}
