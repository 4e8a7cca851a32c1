/**
 * `cryptokube destroy` on the test cluster: removes the stack's labelled objects,
 * keeps PVCs without --volumes, keeps the namespace and anything unlabelled; a second
 * run finds nothing; --volumes removes the claims.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { clusterEnv, connectOrSkip, freshNamespace } from "../../kube/test/cluster-fixture.ts";
import { runCapture } from "./run-cli.ts";

test("destroy removes the stack's objects, keeps volumes (unless --volumes), the namespace and unlabelled objects", async (t) => {
  const client = await connectOrSkip(t);
  if (client === undefined) return;
  const dir = mkdtempSync(join(tmpdir(), "ck-destroy-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const cli = (argv: string[]) => runCapture(argv, { cwd: dir, env: clusterEnv() });
  assert.equal((await cli(["init", "dapp"])).code, 0);
  const namespace = freshNamespace(t, client, "destroy");
  const deployed = await cli(["deploy", "-n", namespace, "--timeout", "60s"]);
  assert.equal(deployed.code, 0, deployed.stderr + deployed.stdout);
  await client.core.createNamespacedConfigMap({
    namespace,
    body: { metadata: { name: "hand-made" }, data: { owner: "a human" } },
  });
  const claimsBefore = (await client.core.listNamespacedPersistentVolumeClaim({ namespace })).items;
  assert.ok(claimsBefore.length >= 2, "the stateful components have claims");

  const destroyed = await cli(["destroy", "-n", namespace, "--json"]);
  assert.equal(destroyed.code, 0, destroyed.stderr);
  const result = JSON.parse(destroyed.stdout) as { deleted: string[]; keptVolumes: string[] };
  assert.ok(result.deleted.includes("Deployment/gateway"));
  assert.ok(result.deleted.includes("StatefulSet/eth"));
  assert.ok(result.deleted.includes("Secret/postgres-password"));
  assert.deepEqual(
    [...result.keptVolumes].sort(),
    claimsBefore.map((claim) => claim.metadata?.name).sort(),
  );
  // Deletions run workloads first, the Namespace is not among them.
  assert.ok(!result.deleted.some((name) => name.startsWith("Namespace/")));
  assert.ok(
    result.deleted.indexOf("Deployment/gateway") < result.deleted.indexOf("ServiceAccount/gateway"),
    result.deleted.join(","),
  );

  assert.equal((await client.apps.listNamespacedDeployment({ namespace })).items.length, 0);
  assert.equal((await client.apps.listNamespacedStatefulSet({ namespace })).items.length, 0);
  await client.core.readNamespace({ name: namespace });
  assert.equal(
    (await client.core.readNamespacedConfigMap({ name: "hand-made", namespace })).data?.owner,
    "a human",
  );
  assert.equal(
    (await client.core.listNamespacedPersistentVolumeClaim({ namespace })).items.length,
    claimsBefore.length,
  );

  const again = await cli(["destroy", "-n", namespace]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /nothing of stack my-dapp found/);

  const volumes = await cli(["destroy", "-n", namespace, "--volumes", "--json"]);
  assert.equal(volumes.code, 0, volumes.stderr);
  const claimsAfter = (
    await client.core.listNamespacedPersistentVolumeClaim({ namespace })
  ).items.filter((claim) => claim.metadata?.deletionTimestamp === undefined);
  assert.equal(claimsAfter.length, 0);
  assert.equal(
    (await client.core.readNamespacedConfigMap({ name: "hand-made", namespace })).data?.owner,
    "a human",
  );
});
