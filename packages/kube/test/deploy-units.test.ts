/** The pure parts of deploy (order, diff, rollout tests, prune selection, kubeconfig), no cluster needed. */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import type { KubernetesObject } from "@kubernetes/client-node";
import { applyWaves, objectKey, sortForApply } from "../src/deploy/apply-order.ts";
import { diffObject, formatDiff } from "../src/deploy/diff-objects.ts";
import { createKubeClient } from "../src/deploy/kube-client.ts";
import type { LiveObject } from "../src/deploy/list-stack-objects.ts";
import { selectForDeletion } from "../src/deploy/prune-objects.ts";
import { deploymentProgress, statefulSetProgress } from "../src/deploy/wait-rollout.ts";

const meta = (name: string) => ({ name, labels: {} });

test("objects apply in dependency order, in four concurrent waves", () => {
  const kinds = [
    "PrometheusRule",
    "Deployment",
    "NetworkPolicy",
    "Service",
    "Secret",
    "Namespace",
    "ServiceAccount",
    "StatefulSet",
    "PersistentVolumeClaim",
    "RoleBinding",
    "Role",
  ];
  const sorted = sortForApply(kinds.map((kind) => ({ kind, metadata: meta(kind.toLowerCase()) })));
  assert.deepEqual(
    sorted.map((object) => object.kind),
    [
      "Namespace",
      "ServiceAccount",
      "Role",
      "RoleBinding",
      "Secret",
      "PersistentVolumeClaim",
      "Service",
      "Deployment",
      "StatefulSet",
      "NetworkPolicy",
      "PrometheusRule",
    ],
  );
  const waves = applyWaves(sorted).map((wave) => wave.map((object) => object.kind));
  assert.deepEqual(waves, [
    ["Namespace"],
    [
      "ServiceAccount",
      "Role",
      "RoleBinding",
      "Secret",
      "PersistentVolumeClaim",
      "Service",
      "NetworkPolicy",
    ],
    ["Deployment", "StatefulSet"],
    ["PrometheusRule"],
  ]);
  // Versions of one group are one object; the core group is "".
  assert.equal(
    objectKey({
      apiVersion: "autoscaling/v2",
      kind: "HorizontalPodAutoscaler",
      metadata: { name: "a", namespace: "n" },
    }),
    objectKey({
      apiVersion: "autoscaling/v1",
      kind: "HorizontalPodAutoscaler",
      metadata: { name: "a", namespace: "n" },
    }),
  );
  assert.equal(
    objectKey({ apiVersion: "v1", kind: "Service", metadata: { name: "a", namespace: "n" } }),
    "/Service/n/a",
  );
});

test("the diff ignores server bookkeeping and never shows secret values", () => {
  const live = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: {
      name: "web",
      resourceVersion: "12",
      uid: "u",
      managedFields: [{ manager: "x" }],
      generation: 3,
    },
    spec: { replicas: 1, template: { spec: { containers: [{ name: "web", image: "a:1" }] } } },
    status: { readyReplicas: 1 },
  };
  const next = {
    ...live,
    metadata: { ...live.metadata, resourceVersion: "13", generation: 4 },
    spec: { replicas: 3, template: { spec: { containers: [{ name: "web", image: "a:2" }] } } },
    status: { readyReplicas: 0 },
  };
  const diff = diffObject("Deployment/web", live, next);
  assert.equal(diff.action, "update");
  assert.deepEqual(diff.changes, [
    { op: "change", path: "spec.replicas", from: 1, to: 3 },
    { op: "change", path: "spec.template.spec.containers[0].image", from: "a:1", to: "a:2" },
  ]);
  assert.equal(diffObject("Deployment/web", live, structuredClone(live)).action, "unchanged");

  const secret = (value: string) => ({
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "jwt" },
    data: { token: value },
  });
  const changed = diffObject("Secret/jwt", secret("c2VjcmV0LW9uZQ=="), secret("c2VjcmV0LXR3bw=="));
  assert.equal(changed.action, "update");
  assert.deepEqual(changed.changes, [
    { op: "change", path: "data.token", from: "(hidden)", to: "(hidden)" },
  ]);
  assert.equal(
    diffObject("Secret/jwt", secret("c2VjcmV0LW9uZQ=="), secret("c2VjcmV0LW9uZQ==")).action,
    "unchanged",
  );
  const created = diffObject("Secret/jwt", undefined, secret("c2VjcmV0LW9uZQ=="));
  const text = `${JSON.stringify(created)}${formatDiff([created, changed])}`;
  assert.ok(!text.includes("c2VjcmV0"), text);
  assert.match(formatDiff([changed]), /~ data\.token: \(hidden\) -> \(hidden\)/);
});

test("rollout tests follow kubectl rollout status", () => {
  const ref = { kind: "Deployment" as const, name: "web" };
  const deployment = (status: Record<string, unknown>, generation = 2, replicas = 2) =>
    ({ metadata: { generation }, spec: { replicas, selector: {}, template: {} }, status }) as never;
  assert.equal(
    deploymentProgress(ref, deployment({ observedGeneration: 1 })).waitingFor,
    "spec not observed yet",
  );
  assert.equal(
    deploymentProgress(ref, deployment({ observedGeneration: 2, updatedReplicas: 1, replicas: 2 }))
      .waitingFor,
    "1/2 updated",
  );
  assert.equal(
    deploymentProgress(
      ref,
      deployment({ observedGeneration: 2, updatedReplicas: 2, replicas: 3, availableReplicas: 2 }),
    ).waitingFor,
    "old replicas terminating",
  );
  assert.equal(
    deploymentProgress(
      ref,
      deployment({
        observedGeneration: 2,
        conditions: [{ type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded" }],
      }),
    ).waitingFor,
    "progress deadline exceeded",
  );
  assert.equal(
    deploymentProgress(
      ref,
      deployment({
        observedGeneration: 2,
        updatedReplicas: 2,
        replicas: 2,
        availableReplicas: 2,
        readyReplicas: 2,
      }),
    ).done,
    true,
  );
  const set = (status: Record<string, unknown>, strategy?: unknown) =>
    ({
      metadata: { generation: 1 },
      spec: { replicas: 2, selector: {}, template: {}, serviceName: "s", updateStrategy: strategy },
      status: { replicas: 2, ...status },
    }) as never;
  const sref = { kind: "StatefulSet" as const, name: "eth" };
  assert.equal(
    statefulSetProgress(sref, set({ observedGeneration: 1, readyReplicas: 1 })).waitingFor,
    "1/2 ready",
  );
  assert.equal(
    statefulSetProgress(
      sref,
      set({ observedGeneration: 1, readyReplicas: 2, currentRevision: "a", updateRevision: "b" }),
    ).done,
    false,
  );
  assert.equal(
    statefulSetProgress(
      sref,
      set({ observedGeneration: 1, readyReplicas: 2, currentRevision: "b", updateRevision: "b" }),
    ).done,
    true,
  );
  assert.equal(
    statefulSetProgress(
      sref,
      set(
        { observedGeneration: 1, readyReplicas: 2, updatedReplicas: 1 },
        { type: "RollingUpdate", rollingUpdate: { partition: 1 } },
      ),
    ).done,
    true,
  );
});

test("prune selects only unowned, unkept objects; PVCs only with volumes and never a kept StatefulSet's", () => {
  const live = (
    kind: string,
    name: string,
    extra: Partial<LiveObject["metadata"]> = {},
  ): LiveObject => ({
    apiVersion: kind === "Deployment" ? "apps/v1" : "v1",
    kind,
    metadata: { name, namespace: "ns", ...extra },
    raw: {} as KubernetesObject,
  });
  const objects = [
    live("Deployment", "web"),
    live("Deployment", "old"),
    live("ConfigMap", "old-config"),
    live("Secret", "jwt"),
    live("Secret", "stale"),
    live("PersistentVolumeClaim", "data-eth-0"),
    live("PersistentVolumeClaim", "data-old-db-0"),
    live("ConfigMap", "owned", { ownerReferences: [{ kind: "Something" }] }),
  ];
  const keep = new Set([objectKey(objects[0] as LiveObject)]);
  const base = {
    keep,
    keepSecrets: new Set(["jwt"]),
    keptStatefulSets: [{ name: "eth", templates: ["data"] }],
  };
  const names = (list: LiveObject[]) =>
    list.map((object) => `${object.kind}/${object.metadata.name}`);
  assert.deepEqual(names(selectForDeletion(objects, { ...base, volumes: false })), [
    "Deployment/old",
    "ConfigMap/old-config",
    "Secret/stale",
  ]);
  assert.deepEqual(names(selectForDeletion(objects, { ...base, volumes: true })), [
    "Deployment/old",
    "PersistentVolumeClaim/data-old-db-0",
    "ConfigMap/old-config",
    "Secret/stale",
  ]);
});

test("kubeconfig: KUBECONFIG files merge like kubectl, --context selects, an unknown context is explained", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "ck-kubeconfig-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (
    name: string,
    cluster: string,
    server: string,
    namespace: string,
    current: boolean,
  ) => {
    const path = join(dir, name);
    writeFileSync(
      path,
      [
        "apiVersion: v1",
        "kind: Config",
        current ? `current-context: ${cluster}` : "",
        `clusters: [{name: ${cluster}, cluster: {server: "${server}"}}]`,
        `users: [{name: ${cluster}, user: {token: "t"}}]`,
        `contexts: [{name: ${cluster}, context: {cluster: ${cluster}, user: ${cluster}, namespace: ${namespace}}}]`,
      ].join("\n"),
    );
    return path;
  };
  const a = file("a.yaml", "alpha", "https://127.0.0.1:1", "team-a", true);
  const b = file("b.yaml", "beta", "https://127.0.0.1:2", "team-b", true);
  const merged = createKubeClient({ env: { KUBECONFIG: `${a}:${b}` } });
  assert.equal(merged.context, "alpha");
  assert.equal(merged.contextNamespace, "team-a");
  const beta = createKubeClient({ env: { KUBECONFIG: `${a}:${b}` }, context: "beta" });
  assert.equal(beta.server, "https://127.0.0.1:2");
  assert.equal(beta.contextNamespace, "team-b");
  assert.equal(createKubeClient({ kubeconfig: b, env: { KUBECONFIG: a } }).context, "beta");
  assert.throws(
    () => createKubeClient({ env: { KUBECONFIG: a }, context: "gamma" }),
    (error: Error & { hint?: string }) =>
      /context 'gamma' is not in the kubeconfig/.test(error.message) &&
      /known contexts: alpha/.test(error.hint ?? ""),
  );
  assert.throws(
    () => createKubeClient({ env: { KUBECONFIG: join(dir, "missing"), HOME: dir } }),
    /no kubeconfig/,
  );
});
