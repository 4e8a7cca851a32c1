/**
 * deployStack against the test cluster with small hand-written manifests: apply and
 * rollout, idempotence, dry-run diff, prune (labelled only, PVCs kept), secrets
 * (generated once, never overwritten, external reported), and the not-ready report.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import type { Plan } from "@cryptokube/plan/types";
import { applyObjects } from "../src/deploy/apply-objects.ts";
import { deployStack, type RenderFn } from "../src/deploy/deploy-stack.ts";
import { formatDiff } from "../src/deploy/diff-objects.ts";
import { createKubeClient } from "../src/deploy/kube-client.ts";
import { RolloutTimeoutError } from "../src/deploy/wait-rollout.ts";
import type { KubeObject } from "../src/render/types.ts";
import {
  connectOrSkip,
  emptyPlan,
  freshNamespace,
  restrictedDeployment,
  restrictedNamespace,
  stackLabels,
} from "./cluster-fixture.ts";

const STACK = "apply-test";

/** What a tiny stack renders to: namespace, a config map, one or more Deployments, a PVC. */
function renderer(components: Record<string, number>, withClaim = true): RenderFn {
  return (plan: Plan, options) => {
    const namespace = options.namespace ?? plan.namespace;
    const objects: KubeObject[] = [restrictedNamespace(STACK, namespace) as KubeObject];
    for (const [name, replicas] of Object.entries(components)) {
      objects.push(
        {
          apiVersion: "v1",
          kind: "ConfigMap",
          metadata: { name: `${name}-config`, namespace, labels: stackLabels(STACK, name) },
          data: { replicas: String(replicas) },
        },
        restrictedDeployment(STACK, namespace, name, replicas) as KubeObject,
      );
    }
    if (withClaim) {
      objects.push({
        apiVersion: "v1",
        kind: "PersistentVolumeClaim",
        metadata: { name: "data", namespace, labels: stackLabels(STACK, "data") },
        spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
      });
    }
    for (const [name, data] of Object.entries(options.secrets ?? {})) {
      objects.push({
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name, namespace, labels: stackLabels(STACK, "secret") },
        stringData: data,
      });
    }
    return objects;
  };
}

test("deploy applies in order, waits for rollout, is idempotent, dry-runs a diff and prunes only its own objects", async (t) => {
  const client = await connectOrSkip(t);
  if (client === undefined) return;
  const namespace = freshNamespace(t, client, "apply");
  const plan = emptyPlan(STACK, namespace, [
    { name: "api-token", generate: { kind: "hex", bytes: 16 }, keys: ["token"], usedBy: ["api"] },
  ]);
  const lines: string[] = [];

  // A dry run into a namespace that does not exist yet: everything would be created, nothing is.
  const preview = await deployStack(client, {
    plan,
    render: renderer({ api: 2, worker: 1 }),
    dryRun: true,
  });
  assert.ok(preview.diff !== undefined && preview.diff.length === 7);
  assert.ok(preview.diff.every((diff) => diff.action === "create"));
  assert.match(formatDiff(preview.diff), /\+ Secret\/api-token \(create\)/);
  await assert.rejects(client.core.readNamespace({ name: namespace }));

  const first = await deployStack(client, {
    plan,
    render: renderer({ api: 2, worker: 1 }),
    timeoutMs: 30_000,
    onProgress: (line) => lines.push(line),
  });
  assert.deepEqual(first.secrets.generated, ["api-token"]);
  assert.ok(
    lines.some((line) => line.startsWith("rollout complete: 2 workloads ready")),
    lines.join("\n"),
  );
  assert.ok(first.rollout?.every((item) => item.done));
  const token = (await client.core.readNamespacedSecret({ name: "api-token", namespace })).data
    ?.token;
  assert.ok(token !== undefined && token.length > 0);
  // Secret material is never part of the progress output nor of the result (`deploy --json`).
  const plainToken = Buffer.from(token, "base64").toString();
  assert.ok(!lines.join("\n").includes(plainToken));
  assert.ok(!JSON.stringify(first).includes(plainToken));
  assert.deepEqual(Object.keys(first.secrets).sort(), ["existing", "generated", "incomplete"]);

  // The same stack deployed to a second namespace prunes nothing of the first (nor its Namespace).
  const other = freshNamespace(t, client, "apply-other");
  const elsewhere = await deployStack(client, {
    plan,
    namespace: other,
    render: renderer({ api: 1 }, false),
    timeoutMs: 30_000,
  });
  assert.deepEqual(elsewhere.pruned, []);
  const firstNamespace = await client.core.readNamespace({ name: namespace });
  assert.equal(firstNamespace.metadata?.deletionTimestamp, undefined);
  assert.equal(
    (await client.apps.readNamespacedDeployment({ name: "worker", namespace })).spec?.replicas,
    1,
  );

  // An object we do not own, in the same namespace: prune and re-deploys must not touch it.
  await applyObjects(client, [
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "not-ours", namespace, labels: { team: "someone-else" } },
      data: { keep: "me" },
    } as KubeObject,
  ]);

  const before = await client.apps.readNamespacedDeployment({ name: "api", namespace });
  const second = await deployStack(client, {
    plan,
    render: renderer({ api: 2, worker: 1 }),
    timeoutMs: 30_000,
  });
  const after = await client.apps.readNamespacedDeployment({ name: "api", namespace });
  assert.equal(after.metadata?.uid, before.metadata?.uid);
  // Server-side apply of identical intent is a no-op: same resourceVersion, same generation.
  assert.equal(after.metadata?.resourceVersion, before.metadata?.resourceVersion);
  assert.deepEqual(second.secrets.existing, ["api-token"]);
  assert.equal(second.secrets.generated.length, 0);
  assert.equal(
    (await client.core.readNamespacedSecret({ name: "api-token", namespace })).data?.token,
    token,
    "an existing secret is never overwritten",
  );
  const managers = after.metadata?.managedFields?.map((entry) => entry.manager) ?? [];
  assert.ok(managers.includes("cryptokube"));

  // Dry run of a scale-up: a diff naming the field, and nothing changes in the cluster.
  const dry = await deployStack(client, {
    plan,
    render: renderer({ api: 3, worker: 1 }),
    dryRun: true,
  });
  const apiDiff = dry.diff?.find((diff) => diff.object === "Deployment/api");
  assert.equal(apiDiff?.action, "update");
  assert.deepEqual(
    apiDiff?.changes.find((change) => change.path === "spec.replicas"),
    { op: "change", path: "spec.replicas", from: 2, to: 3 },
  );
  assert.equal(dry.diff?.find((diff) => diff.object === "Deployment/worker")?.action, "unchanged");
  assert.match(formatDiff(dry.diff ?? []), /~ spec\.replicas: 2 -> 3/);
  assert.equal(
    (await client.apps.readNamespacedDeployment({ name: "api", namespace })).spec?.replicas,
    2,
  );

  // Remove the worker and the claim, scale the api: worker objects pruned, PVC kept (no --volumes).
  const third = await deployStack(client, {
    plan,
    render: renderer({ api: 3 }, false),
    timeoutMs: 30_000,
  });
  assert.deepEqual([...third.pruned].sort(), ["ConfigMap/worker-config", "Deployment/worker"]);
  assert.equal(
    (await client.apps.readNamespacedDeployment({ name: "api", namespace })).status?.readyReplicas,
    3,
  );
  const deployments = await client.apps.listNamespacedDeployment({ namespace });
  assert.deepEqual(
    deployments.items.map((item) => item.metadata?.name),
    ["api"],
  );
  await client.core.readNamespacedPersistentVolumeClaim({ name: "data", namespace });
  assert.equal(
    (await client.core.readNamespacedConfigMap({ name: "not-ours", namespace })).data?.keep,
    "me",
  );
  await client.core.readNamespacedSecret({ name: "api-token", namespace });

  // With volumes, prune also removes the claim of a removed component.
  const fourth = await deployStack(client, {
    plan,
    render: renderer({ api: 3 }, false),
    volumes: true,
    wait: false,
  });
  assert.deepEqual(fourth.pruned, ["PersistentVolumeClaim/data"]);
  assert.equal(
    (await client.core.readNamespacedConfigMap({ name: "not-ours", namespace })).data?.keep,
    "me",
  );
});

test("an external secret that is missing stops the deploy with the declaration's hint", async (t) => {
  const client = await connectOrSkip(t);
  if (client === undefined) return;
  const namespace = freshNamespace(t, client, "external");
  const plan = emptyPlan(STACK, namespace, [
    {
      name: "indexer-db",
      generate: {
        kind: "external",
        hint: "create it with: kubectl create secret generic indexer-db --from-literal=dsn=postgres://…",
      },
      keys: ["dsn"],
      usedBy: ["indexer"],
    },
  ]);
  await assert.rejects(
    deployStack(client, { plan, render: renderer({ api: 1 }), timeoutMs: 10_000 }),
    (error: Error & { code?: string; hint?: string }) => {
      assert.equal(error.code, "SECRET_EXTERNAL_MISSING");
      assert.match(error.message, /'indexer-db' must be provided in namespace external-/);
      assert.match(error.hint ?? "", /kubectl create secret generic indexer-db/);
      return true;
    },
  );
  // Nothing was applied.
  await assert.rejects(client.core.readNamespace({ name: namespace }));
});

test("a rollout that cannot complete times out with what is not ready and why", async (t) => {
  const client = await connectOrSkip(t);
  if (client === undefined) return;
  const namespace = freshNamespace(t, client, "stuck");
  const render: RenderFn = (plan, options) => {
    const ns = options.namespace ?? plan.namespace;
    return [
      restrictedNamespace(STACK, ns) as KubeObject,
      restrictedDeployment(STACK, ns, "picky", 1, {
        nodeSelector: { disktype: "does-not-exist" },
      }) as KubeObject,
    ];
  };
  const started = Date.now();
  await assert.rejects(
    deployStack(client, { plan: emptyPlan(STACK, namespace), render, timeoutMs: 3000 }),
    (error: unknown) => {
      assert.ok(error instanceof RolloutTimeoutError);
      assert.equal(error.notReady.length, 1);
      const report = error.notReady[0];
      assert.equal(report?.name, "picky");
      assert.ok(
        report?.pods.some((line) =>
          /not scheduled: Unschedulable .*node affinity\/selector/.test(line),
        ),
        report?.pods.join("\n"),
      );
      assert.match(error.details ?? "", /Deployment\/picky: 0\/1 ready/);
      assert.match(error.details ?? "", /condition Available=False MinimumReplicasUnavailable/);
      return true;
    },
  );
  assert.ok(Date.now() - started < 15_000, "the timeout is honoured");
});

test("a least-privilege deployer (no list on some kinds) deploys with a warning instead of failing", async (t) => {
  const admin = await connectOrSkip(t);
  if (admin === undefined) return;
  const namespace = freshNamespace(t, admin, "deployer");
  const clusterRole = `${namespace}-namespace`;
  t.after(async () => {
    await admin.objects
      .delete({
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRoleBinding",
        metadata: { name: clusterRole },
      })
      .catch(() => {});
    await admin.objects
      .delete({
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRole",
        metadata: { name: clusterRole },
      })
      .catch(() => {});
  });
  const all = ["get", "list", "watch", "create", "update", "patch", "delete"];
  await applyObjects(admin, [
    restrictedNamespace(STACK, namespace) as KubeObject,
    {
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: { name: "deployer", namespace, labels: {} },
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: { name: "deployer", namespace, labels: {} },
      rules: [
        {
          apiGroups: [""],
          resources: [
            "configmaps",
            "secrets",
            "persistentvolumeclaims",
            "services",
            "serviceaccounts",
          ],
          verbs: all,
        },
        { apiGroups: [""], resources: ["pods", "events"], verbs: ["get", "list", "watch"] },
        { apiGroups: ["apps"], resources: ["deployments", "statefulsets"], verbs: all },
        // Everything but list: prune cannot see stale NetworkPolicies, and must say so.
        {
          apiGroups: ["networking.k8s.io"],
          resources: ["networkpolicies"],
          verbs: ["get", "create", "patch", "update", "delete"],
        },
      ],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: "deployer", namespace, labels: {} },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "deployer" },
      subjects: [{ kind: "ServiceAccount", name: "deployer", namespace }],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name: clusterRole, labels: {} },
      rules: [
        {
          apiGroups: [""],
          resources: ["namespaces"],
          resourceNames: [namespace],
          verbs: ["get", "patch"],
        },
      ],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name: clusterRole, labels: {} },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: clusterRole },
      subjects: [{ kind: "ServiceAccount", name: "deployer", namespace }],
    },
  ] as KubeObject[]);
  const token = await admin.core.createNamespacedServiceAccountToken({
    name: "deployer",
    namespace,
    body: { spec: { audiences: [], expirationSeconds: 600 } },
  });
  const cluster = admin.config.getCurrentCluster();
  const kubeconfig = join(mkdtempSync(join(tmpdir(), "ck-deployer-")), "kubeconfig");
  t.after(() => rmSync(dirname(kubeconfig), { recursive: true, force: true }));
  writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: "v1",
      kind: "Config",
      "current-context": "deployer",
      clusters: [
        {
          name: "test",
          cluster: { server: cluster?.server, "certificate-authority-data": cluster?.caData },
        },
      ],
      users: [{ name: "deployer", user: { token: token.status?.token } }],
      contexts: [{ name: "deployer", context: { cluster: "test", user: "deployer", namespace } }],
    }),
    { mode: 0o600 },
  );
  const deployer = createKubeClient({ kubeconfig });
  assert.equal(deployer.contextNamespace, namespace);

  const render: RenderFn = (plan, options) => {
    const ns = options.namespace ?? plan.namespace;
    return [
      restrictedNamespace(STACK, ns) as KubeObject,
      restrictedDeployment(STACK, ns, "api", 1) as KubeObject,
      {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name: "default-deny", namespace: ns, labels: stackLabels(STACK, "stack") },
        spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
      },
    ];
  };
  const lines: string[] = [];
  const result = await deployStack(deployer, {
    plan: emptyPlan(STACK, namespace),
    render,
    timeoutMs: 30_000,
    onProgress: (line) => lines.push(line),
  });
  assert.deepEqual(result.applied, [
    `Namespace/${namespace}`,
    "NetworkPolicy/default-deny",
    "Deployment/api",
  ]);
  assert.ok(
    lines.some((line) =>
      /^warning: not allowed to list NetworkPolicy in deployer-.*cannot be found \(nor pruned\)$/.test(
        line,
      ),
    ),
    lines.join("\n"),
  );
  // The deploy really ran as the restricted identity: outside its namespace it may read nothing.
  await assert.rejects(deployer.core.listNamespacedSecret({ namespace: "default" }), /403/);
});
