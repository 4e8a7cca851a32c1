/**
 * Server-side apply of rendered objects under one field manager, wave by wave in
 * dependency order (objects within a wave go concurrently). Conflicts are forced:
 * the stack file is the source of truth for every field CryptoKube renders.
 */
import { CryptoKubeError } from "@cryptokube/core";
import type { KubernetesObject } from "@kubernetes/client-node";
import type { KubeObject } from "../render/types.ts";
import { apiMessage, isNetworkError, unreachable } from "./api-errors.ts";
import { applyWaves, describeObject } from "./apply-order.ts";
import type { KubeClient } from "./kube-client.ts";
import { retryTransient } from "./retry-transient.ts";

export const FIELD_MANAGER = "cryptokube";

export interface ApplyOptions {
  /** Server-side dry run (dryRun=All): validated and defaulted by the server, nothing persisted. */
  dryRun?: boolean;
  signal?: AbortSignal;
  onApplied?: (object: KubeObject, result: KubernetesObject) => void;
}

export interface AppliedObject {
  object: KubeObject;
  /** The object as the server returned it (after apply, or as it would be after a dry run). */
  result: KubernetesObject;
}

export async function applyObjects(
  client: KubeClient,
  objects: KubeObject[],
  options: ApplyOptions = {},
): Promise<AppliedObject[]> {
  const applied: AppliedObject[] = [];
  for (const wave of applyWaves(objects)) {
    options.signal?.throwIfAborted();
    const results = await Promise.all(
      wave.map(async (object) => {
        const result = await applyObject(client, object, options.dryRun === true);
        options.onApplied?.(object, result);
        return { object, result };
      }),
    );
    applied.push(...results);
  }
  return applied;
}

export async function applyObject(
  client: KubeClient,
  object: KubeObject,
  dryRun: boolean,
): Promise<KubernetesObject> {
  try {
    return await retryTransient(() =>
      client.objects.applyRaw(object, { fieldManager: FIELD_MANAGER, force: true, dryRun }),
    );
  } catch (error) {
    if (isNetworkError(error)) throw unreachable(client.server, error);
    const where = `${describeObject(object)}${object.metadata.namespace === undefined ? "" : ` in namespace ${object.metadata.namespace}`}`;
    throw new CryptoKubeError(`the API server rejected ${where}: ${apiMessage(error)}`, {
      code: "KUBE_APPLY_REJECTED",
      details: apiMessage(error),
      hint: hintFor(apiMessage(error)),
      cause: error,
    });
  }
}

function hintFor(message: string): string {
  if (/violates PodSecurity/.test(message))
    return "the namespace enforces Pod Security; the pod spec must satisfy the named level";
  if (/forbidden/i.test(message))
    return "the identity in your kubeconfig lacks permission for this kind; ask for a role that allows it or use another --context";
  if (/no matches for kind|could not find the requested resource/i.test(message))
    return "the cluster does not serve this kind (a missing CRD?)";
  return "fix the stack file (or the render) and deploy again; `cryptokube render` shows what is sent";
}
