/**
 * `cryptokube destroy`: deletes every object carrying the stack's labels, workloads
 * first. PersistentVolumeClaims (chain data) go only with `volumes`, including the
 * ones StatefulSets created from their claim templates. The namespace is kept: it may
 * hold objects CryptoKube does not own, and deleting a namespace deletes everything in
 * it; remove it yourself with `kubectl delete namespace <ns>` when it is yours alone.
 */
import type { KubeClient } from "./kube-client.ts";
import { type LiveObject, listStackObjects } from "./list-stack-objects.ts";
import { claimPattern, deleteObjects, selectForDeletion } from "./prune-objects.ts";
import { getServedApiVersions } from "./served-apis.ts";

export interface DestroyOptions {
  stack: string;
  namespace: string;
  /** Delete PersistentVolumeClaims (and so, with a Delete reclaim policy, the data). */
  volumes?: boolean;
  dryRun?: boolean;
  onProgress?: (line: string) => void;
}

export interface DestroyResult {
  namespace: string;
  deleted: string[];
  /** PVCs left in place because `volumes` was not set. */
  keptVolumes: string[];
}

export async function destroyStack(
  client: KubeClient,
  options: DestroyOptions,
): Promise<DestroyResult> {
  const progress = options.onProgress ?? (() => {});
  const served = await getServedApiVersions(client);
  const live = await listStackObjects(client, {
    namespace: options.namespace,
    stack: options.stack,
    served,
    onWarning: (message) => progress(`warning: ${message}`),
  });
  const claims = await templateClaims(client, options.namespace, live);
  const all = [
    ...live,
    ...claims.filter((claim) => !live.some((object) => sameObject(object, claim))),
  ];
  const doomed = selectForDeletion(all, { keep: new Set(), volumes: options.volumes === true });
  const keptVolumes =
    options.volumes === true
      ? []
      : all
          .filter((object) => object.kind === "PersistentVolumeClaim")
          .map((object) => object.metadata.name);
  if (doomed.length === 0)
    progress(`nothing of stack ${options.stack} found in namespace ${options.namespace}`);
  const deleted = await deleteObjects(client, doomed, {
    ...(options.dryRun === undefined ? {} : { dryRun: options.dryRun }),
    onDeleted: (object) => progress(`deleted ${object.kind}/${object.metadata.name}`),
  });
  if (keptVolumes.length > 0)
    progress(
      `kept ${keptVolumes.length} PersistentVolumeClaim(s) holding data: ${keptVolumes.join(", ")} (pass --volumes to delete them)`,
    );
  return { namespace: options.namespace, deleted, keptVolumes };
}

function sameObject(a: LiveObject, b: LiveObject): boolean {
  return a.kind === b.kind && a.metadata.name === b.metadata.name;
}

/** PVCs the stack's StatefulSets created from claim templates, whether or not they carry our labels. */
async function templateClaims(
  client: KubeClient,
  namespace: string,
  live: LiveObject[],
): Promise<LiveObject[]> {
  const patterns = live
    .filter((object) => object.kind === "StatefulSet")
    .flatMap((object) => {
      const spec = (
        object.raw as { spec?: { volumeClaimTemplates?: { metadata?: { name?: string } }[] } }
      ).spec;
      return (spec?.volumeClaimTemplates ?? []).map((template) =>
        claimPattern(template.metadata?.name ?? "", object.metadata.name),
      );
    });
  if (patterns.length === 0) return [];
  const claims = await client.core.listNamespacedPersistentVolumeClaim({ namespace });
  return claims.items
    .filter((claim) => patterns.some((pattern) => pattern.test(claim.metadata?.name ?? "")))
    .map((claim) => ({
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: { name: claim.metadata?.name ?? "", namespace },
      raw: claim,
    }));
}
