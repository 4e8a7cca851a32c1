import assert from "node:assert/strict";
import { test } from "node:test";
import { VersionApi } from "@kubernetes/client-node";
import { apiMessage } from "../src/deploy/api-errors.ts";
import { applyObjects } from "../src/deploy/apply-objects.ts";
import { waitForRollout } from "../src/deploy/wait-rollout.ts";
import type { KubeObject } from "../src/render/types.ts";
import {
  connectOrSkip,
  freshNamespace,
  restrictedDeployment,
  restrictedNamespace,
} from "./cluster-fixture.ts";

test("the test cluster rolls a Deployment out onto a kwok node, under Pod Security restricted", async (t) => {
  const client = await connectOrSkip(t);
  if (client === undefined) return;
  const version = await client.config.makeApiClient(VersionApi).getCode();
  assert.equal(version.gitVersion, "v1.37.2");

  const nodes = await client.core.listNode();
  const kwokNodes = nodes.items.filter(
    (node) => node.metadata?.annotations?.["kwok.x-k8s.io/node"] === "fake",
  );
  assert.ok(kwokNodes.length >= 1, "kwok nodes exist");

  const namespace = freshNamespace(t, client, "smoke");
  await applyObjects(client, [
    restrictedNamespace("smoke", namespace),
    restrictedDeployment("smoke", namespace, "hello", 2),
  ] as KubeObject[]);
  await waitForRollout(client, {
    namespace,
    workloads: [{ kind: "Deployment", name: "hello" }],
    timeoutMs: 30_000,
  });
  const pods = await client.core.listNamespacedPod({ namespace });
  assert.equal(pods.items.length, 2);
  for (const pod of pods.items) {
    assert.equal(pod.status?.phase, "Running");
    assert.ok(kwokNodes.some((node) => node.metadata?.name === pod.spec?.nodeName));
  }

  // Pod Security "restricted" is enforced on the labelled namespace: a pod that may run
  // as root, keeps its capabilities and has no seccomp profile is refused.
  await assert.rejects(
    client.core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: "rooted" },
        spec: { containers: [{ name: "c", image: "busybox" }] },
      },
    }),
    (error) => {
      assert.match(
        apiMessage(error),
        /violates PodSecurity "restricted:latest".*runAsNonRoot != true/,
      );
      return true;
    },
  );
});
