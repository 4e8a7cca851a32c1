/**
 * `cryptokube deploy`: secrets → render → server-side apply in dependency order →
 * prune what the stack no longer has → wait for rollout. Every step is idempotent, so
 * an interrupted deploy converges when run again. `dryRun` asks the server to validate
 * and default everything without persisting, and returns a diff against the live objects.
 */
import { CryptoKubeError } from "@cryptokube/core";
import type { Plan } from "@cryptokube/plan/types";
import type { KubernetesObject } from "@kubernetes/client-node";
import type { KubeObject, RenderOptions } from "../render/types.ts";
import { apiMessage, isNetworkError, isNotFound, unreachable } from "./api-errors.ts";
import { applyObject, applyObjects } from "./apply-objects.ts";
import { describeObject, objectKey, objectRef, sortForApply } from "./apply-order.ts";
import { diffObject, type ObjectDiff } from "./diff-objects.ts";
import type { KubeClient } from "./kube-client.ts";
import { type LiveObject, listStackObjects } from "./list-stack-objects.ts";
import { deleteObjects, selectForDeletion } from "./prune-objects.ts";
import { resolveSecretMaterial } from "./secret-material.ts";
import { getServedApiVersions, monitoringServed } from "./served-apis.ts";
import { type WorkloadProgress, type WorkloadRef, waitForRollout } from "./wait-rollout.ts";

export type RenderFn = (plan: Plan, options: RenderOptions) => KubeObject[];

export interface DeployOptions {
  plan: Plan;
  render: RenderFn;
  /** Overrides the plan's namespace (`--namespace`). */
  namespace?: string;
  /** Extra render options (storage class/size…); namespace, secrets and monitoring are set here. */
  renderOptions?: Omit<RenderOptions, "namespace" | "secrets" | "monitoring">;
  dryRun?: boolean;
  /** Delete labelled objects the render no longer has (default true). */
  prune?: boolean;
  /** Let prune delete PersistentVolumeClaims of removed components. */
  volumes?: boolean;
  /** Wait for rollout (default true). */
  wait?: boolean;
  timeoutMs?: number;
  onProgress?: (line: string) => void;
  signal?: AbortSignal;
}

export interface DeployResult {
  namespace: string;
  dryRun: boolean;
  applied: string[];
  /** Monitoring objects left out because the cluster lacks their CRDs. */
  skipped: string[];
  pruned: string[];
  secrets: {
    generated: string[];
    existing: string[];
    incomplete: { name: string; missingKeys: string[] }[];
  };
  /** Dry run only: what would change, per object. */
  diff?: ObjectDiff[];
  rollout?: WorkloadProgress[];
  durationMs: number;
}

export async function deployStack(
  client: KubeClient,
  options: DeployOptions,
): Promise<DeployResult> {
  const started = Date.now();
  const progress = options.onProgress ?? (() => {});
  const namespace = options.namespace ?? options.plan.namespace;
  const dryRun = options.dryRun === true;
  const served = await guard(client, () => getServedApiVersions(client));
  const secrets = await resolveSecretMaterial(client, options.plan, namespace);
  const monitoring = monitoringServed(served);
  const rendered = options.render(options.plan, {
    ...options.renderOptions,
    namespace,
    secrets: secrets.material,
    monitoring,
  });
  const skipped = rendered
    .filter((object) => !served.has(object.apiVersion))
    .map((object) => describeObject(object));
  const objects = sortForApply(rendered.filter((object) => served.has(object.apiVersion)));
  if (skipped.length > 0)
    progress(
      `skipping ${skipped.length} object(s) whose API the cluster does not serve: ${skipped.join(", ")}`,
    );
  for (const name of secrets.generated) progress(`secret ${name}: generated (new)`);
  for (const name of secrets.existing) progress(`secret ${name}: exists, kept as is`);
  for (const item of secrets.incomplete)
    progress(
      `warning: secret ${item.name} lacks key(s) ${item.missingKeys.join(", ")}; add them yourself (existing secrets are never changed)`,
    );

  const result: DeployResult = {
    namespace,
    dryRun,
    applied: [],
    skipped,
    pruned: [],
    // Names only: the material itself never leaves this function except into the apply.
    secrets: {
      generated: secrets.generated,
      existing: secrets.existing,
      incomplete: secrets.incomplete,
    },
    durationMs: 0,
  };

  const live = await listStackObjects(client, {
    namespace,
    stack: options.plan.stack,
    served,
    // Namespaced kinds only: a cluster-scoped list (Namespaces!) would return the same
    // stack's objects deployed elsewhere, and prune must never reach outside `namespace`.
    extraKinds: objects
      .filter((object) => object.metadata.namespace !== undefined)
      .map((object) => ({ apiVersion: object.apiVersion, kind: object.kind })),
    onWarning: (message) => progress(`warning: ${message}`),
  });
  const keep = new Set(objects.map((object) => objectKey(object)));
  const doomed = selectForDeletion(live, {
    keep,
    keepSecrets: new Set(options.plan.secrets.map((decl) => decl.name)),
    volumes: options.volumes === true,
    keptStatefulSets: objects
      .filter((object) => object.kind === "StatefulSet")
      .map((object) => ({ name: object.metadata.name, templates: claimTemplates(object) })),
  });

  if (dryRun) {
    result.diff = await dryRunDiff(client, objects, namespace, doomed, progress);
    result.applied = objects.map((object) => describeObject(object));
    result.pruned =
      options.prune === false
        ? []
        : doomed.map((object) => `${object.kind}/${object.metadata.name}`);
    result.durationMs = Date.now() - started;
    return result;
  }

  progress(
    `applying ${objects.length} objects to namespace ${namespace} (server-side apply, field manager cryptokube)`,
  );
  const applied = await guard(client, () =>
    applyObjects(client, objects, options.signal === undefined ? {} : { signal: options.signal }),
  );
  result.applied = applied.map(({ object }) => describeObject(object));
  progress(`applied ${applied.length} objects`);

  if (options.prune !== false && doomed.length > 0) {
    progress(
      `pruning ${doomed.length} object(s) the stack no longer declares: ${doomed.map((object) => `${object.kind}/${object.metadata.name}`).join(", ")}`,
    );
    result.pruned = await deleteObjects(client, doomed);
  }

  if (options.wait !== false) {
    const workloads: WorkloadRef[] = objects
      .filter((object) => object.kind === "Deployment" || object.kind === "StatefulSet")
      .map((object) => ({ kind: object.kind as WorkloadRef["kind"], name: object.metadata.name }));
    result.rollout = await waitForRollout(client, {
      namespace,
      workloads,
      timeoutMs: options.timeoutMs ?? 300_000,
      onProgress: progress,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
  }
  result.durationMs = Date.now() - started;
  return result;
}

/** The names of a StatefulSet's volumeClaimTemplates (its PVCs are `<template>-<set>-<ordinal>`). */
function claimTemplates(object: KubeObject): string[] {
  const spec = object.spec as
    | { volumeClaimTemplates?: { metadata?: { name?: string } }[] }
    | undefined;
  return (spec?.volumeClaimTemplates ?? []).flatMap((template) =>
    template.metadata?.name === undefined ? [] : [template.metadata.name],
  );
}

async function dryRunDiff(
  client: KubeClient,
  objects: KubeObject[],
  namespace: string,
  doomed: LiveObject[],
  progress: (line: string) => void,
): Promise<ObjectDiff[]> {
  const namespaceExists = await guard(client, async () => {
    try {
      await client.core.readNamespace({ name: namespace });
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  });
  if (!namespaceExists)
    progress(
      `namespace ${namespace} does not exist yet: objects inside it are shown as rendered (the server cannot dry-run into a missing namespace)`,
    );
  const diffs: ObjectDiff[] = [];
  for (const object of objects) {
    const name = describeObject(object);
    const inMissingNamespace = !namespaceExists && object.metadata.namespace !== undefined;
    const live = inMissingNamespace ? undefined : await readLive(client, object);
    const next = inMissingNamespace ? object : await applyObject(client, object, true);
    diffs.push(diffObject(name, live, next));
  }
  for (const object of doomed)
    diffs.push(diffObject(`${object.kind}/${object.metadata.name}`, object.raw, undefined));
  return diffs;
}

async function readLive(
  client: KubeClient,
  object: KubeObject,
): Promise<KubernetesObject | undefined> {
  try {
    return await client.objects.read(objectRef(object));
  } catch (error) {
    if (isNotFound(error)) return undefined;
    if (isNetworkError(error)) throw unreachable(client.server, error);
    throw new CryptoKubeError(`cannot read ${describeObject(object)} for the diff`, {
      code: "KUBE_READ_FAILED",
      details: apiMessage(error),
      hint: "the deploying identity needs get on every kind the stack renders",
      cause: error,
    });
  }
}

async function guard<T>(client: KubeClient, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (isNetworkError(error)) throw unreachable(client.server, error);
    throw error;
  }
}
