/**
 * Stateful components (chains, storage, databases) as StatefulSets with a
 * volumeClaimTemplate per volume; stateless ones as Deployments.
 */
import type { Component } from "@cryptokube/plan/types";
import { componentLabels, selectorLabels } from "./labels.ts";
import { packageTraits } from "./package-traits.ts";
import { podTemplate } from "./pod-template.ts";
import type { RenderContext } from "./render-context.ts";
import { autoscaling } from "./scaling.ts";
import { headlessServiceName } from "./services.ts";
import { volumeClass, volumeSize } from "./storage.ts";
import type { KubeObject } from "./types.ts";

export const SNAPSHOT_LABEL = "cryptokube.dev/snapshot";

export function workloadKind(component: Component): "StatefulSet" | "Deployment" {
  return component.workload === "stateful" ? "StatefulSet" : "Deployment";
}

export function workload(ctx: RenderContext, component: Component): KubeObject {
  const { template, claims } = podTemplate(ctx, component);
  const labels = componentLabels(ctx.plan, component);
  const selector = { matchLabels: selectorLabels(ctx.plan, component) };
  const metadata = { name: component.name, namespace: ctx.namespace, labels };
  if (workloadKind(component) === "StatefulSet") {
    const volumeClaimTemplates = claims.map((volume) => {
      const storageClassName = volumeClass(ctx, volume);
      return {
        apiVersion: "v1",
        kind: "PersistentVolumeClaim",
        metadata: {
          name: volume.name,
          labels: { ...labels, ...(volume.persistent ? { [SNAPSHOT_LABEL]: "true" } : {}) },
        },
        spec: {
          accessModes: ["ReadWriteOnce"],
          ...(storageClassName === undefined ? {} : { storageClassName }),
          resources: { requests: { storage: volumeSize(ctx, component, volume) } },
        },
      };
    });
    return {
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata,
      spec: {
        serviceName: headlessServiceName(component),
        replicas: component.scaling.replicas,
        podManagementPolicy: "OrderedReady",
        updateStrategy: { type: "RollingUpdate" },
        selector,
        template,
        ...(volumeClaimTemplates.length === 0 ? {} : { volumeClaimTemplates }),
        // Chain data outlives the StatefulSet; `cryptokube destroy --volumes` removes it.
        persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
      },
    };
  }
  const hpa = autoscaling(component) !== undefined;
  const single = packageTraits(component).singleWriter;
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata,
    spec: {
      ...(hpa ? {} : { replicas: component.scaling.replicas }),
      revisionHistoryLimit: 5,
      // A single writer must stop before its replacement starts.
      strategy: single
        ? { type: "Recreate" }
        : { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      selector,
      template,
    },
  };
}
