/**
 * Deleting a stack's objects, for prune (what the new render no longer has) and for
 * destroy (everything). Only objects carrying the stack selector are candidates, so an
 * unlabelled object is never touched; objects with an owner are left to their owner;
 * PersistentVolumeClaims go only when the caller asks for volumes.
 */
import { CryptoKubeError } from "@cryptokube/core";
import { apiMessage, isNetworkError, isNotFound, unreachable } from "./api-errors.ts";
import { applyRank, objectKey, objectRef } from "./apply-order.ts";
import type { KubeClient } from "./kube-client.ts";
import type { LiveObject } from "./list-stack-objects.ts";
import { retryTransient } from "./retry-transient.ts";
import { DATA_KINDS } from "./stack-selector.ts";

export interface SelectForDeletionOptions {
  /** Keys (objectKey) of objects to keep: the new render; empty for destroy. */
  keep: Set<string>;
  /** Secret names the plan declares: existing material is kept even when not re-rendered. */
  keepSecrets?: Set<string>;
  /** Delete PersistentVolumeClaims too. */
  volumes: boolean;
  /** StatefulSets that stay: their volumeClaimTemplate PVCs stay with them even with `volumes`. */
  keptStatefulSets?: { name: string; templates: string[] }[];
}

export function selectForDeletion(
  live: LiveObject[],
  options: SelectForDeletionOptions,
): LiveObject[] {
  return live
    .filter((object) => !options.keep.has(objectKey(object)))
    .filter((object) => (object.metadata.ownerReferences ?? []).length === 0)
    .filter(
      (object) => !(object.kind === "Secret" && options.keepSecrets?.has(object.metadata.name)),
    )
    .filter((object) => options.volumes || !DATA_KINDS.has(object.kind))
    .filter(
      (object) =>
        object.kind !== "PersistentVolumeClaim" ||
        !(options.keptStatefulSets ?? []).some((set) =>
          set.templates.some((template) =>
            claimPattern(template, set.name).test(object.metadata.name),
          ),
        ),
    )
    .sort(
      (a, b) =>
        applyRank(b.kind) - applyRank(a.kind) || a.metadata.name.localeCompare(b.metadata.name),
    );
}

/** Names of the PVCs a StatefulSet makes from a claim template: `<template>-<set>-<ordinal>`. */
export function claimPattern(template: string, statefulSet: string): RegExp {
  return new RegExp(`^${escapeRegExp(template)}-${escapeRegExp(statefulSet)}-\\d+$`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Deletes in reverse apply order (workloads before what they use); already-gone objects are fine. */
export async function deleteObjects(
  client: KubeClient,
  objects: LiveObject[],
  options: { dryRun?: boolean; onDeleted?: (object: LiveObject) => void } = {},
): Promise<string[]> {
  const deleted: string[] = [];
  for (const object of objects) {
    try {
      await retryTransient(() =>
        client.objects.delete(
          objectRef(object),
          undefined,
          options.dryRun === true ? "All" : undefined,
          undefined,
          undefined,
          // Background: the workload's pods and ReplicaSets follow without blocking the CLI.
          "Background",
        ),
      );
    } catch (error) {
      if (isNotFound(error)) continue;
      if (isNetworkError(error)) throw unreachable(client.server, error);
      throw new CryptoKubeError(`cannot delete ${object.kind}/${object.metadata.name}`, {
        code: "KUBE_DELETE_FAILED",
        details: apiMessage(error),
        hint: "check the permissions of the identity in your kubeconfig, then run the command again",
        cause: error,
      });
    }
    deleted.push(`${object.kind}/${object.metadata.name}`);
    options.onDeleted?.(object);
  }
  return deleted;
}
