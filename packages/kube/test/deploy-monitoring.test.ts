/**
 * Monitoring objects are applied only when the cluster serves the Prometheus
 * operator's API. The test installs minimal CRDs for monitoring.coreos.com/v1 (as a
 * cluster running the operator has) and leaves them installed: deleting CRDs while
 * other test files deploy in parallel would race with their applies.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { createPlan } from "@cryptokube/plan";
import { parseStack, TEMPLATES } from "@cryptokube/spec";
import { ApiextensionsV1Api } from "@kubernetes/client-node";
import { applyObjects } from "../src/deploy/apply-objects.ts";
import { deployStack } from "../src/deploy/deploy-stack.ts";
import { getServedApiVersions, monitoringServed } from "../src/deploy/served-apis.ts";
import { renderManifests } from "../src/render/render-manifests.ts";
import type { KubeObject } from "../src/render/types.ts";
import { connectOrSkip, freshNamespace } from "./cluster-fixture.ts";

const KINDS = [
  { kind: "ServiceMonitor", plural: "servicemonitors" },
  { kind: "PodMonitor", plural: "podmonitors" },
  { kind: "PrometheusRule", plural: "prometheusrules" },
];

function crd(kind: string, plural: string): KubeObject {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: {
      name: `${plural}.monitoring.coreos.com`,
      labels: { "cryptokube.dev/test": "monitoring-crds" },
    },
    spec: {
      group: "monitoring.coreos.com",
      scope: "Namespaced",
      names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` },
      versions: [
        {
          name: "v1",
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
          },
        },
      ],
    },
  };
}

test("ServiceMonitors and PrometheusRules are applied (and pruned) when their CRDs exist", async (t) => {
  const client = await connectOrSkip(t);
  if (client === undefined) return;
  await applyObjects(
    client,
    KINDS.map(({ kind, plural }) => crd(kind, plural)),
  );
  const extensions = client.config.makeApiClient(ApiextensionsV1Api);
  for (let attempt = 0; ; attempt++) {
    const established = await Promise.all(
      KINDS.map(async ({ plural }) => {
        const found = await extensions.readCustomResourceDefinition({
          name: `${plural}.monitoring.coreos.com`,
        });
        return (
          found.status?.conditions?.some((c) => c.type === "Established" && c.status === "True") ===
          true
        );
      }),
    );
    if (established.every(Boolean) && monitoringServed(await getServedApiVersions(client))) break;
    assert.ok(attempt < 100, "CRDs established within 10s");
    await sleep(100);
  }

  const template = TEMPLATES.node;
  assert.ok(template !== undefined);
  const parsed = parseStack(template.text, "cryptokube.yaml");
  assert.ok(parsed.ok);
  const plan = createPlan(parsed.stack, { target: "kubernetes" });
  const namespace = freshNamespace(t, client, "monitoring");
  const result = await deployStack(client, {
    plan,
    namespace,
    render: renderManifests,
    timeoutMs: 60_000,
  });
  assert.deepEqual(result.skipped, []);
  const monitors = result.applied.filter((name) => /^(ServiceMonitor|PrometheusRule)\//.test(name));
  assert.ok(
    monitors.some((name) => name.startsWith("ServiceMonitor/")),
    result.applied.join(","),
  );
  assert.ok(
    monitors.some((name) => name.startsWith("PrometheusRule/")),
    result.applied.join(","),
  );
  const live = await client.objects.list(
    "monitoring.coreos.com/v1",
    "PrometheusRule",
    namespace,
    undefined,
    undefined,
    undefined,
    undefined,
    "app.kubernetes.io/managed-by=cryptokube",
  );
  assert.ok(live.items.length >= 1);

  // Monitoring dropped from the render: prune removes the stack's monitoring objects.
  const pruned = await deployStack(client, {
    plan,
    namespace,
    render: (p, options) =>
      renderManifests(p, options).filter(
        (object) => object.apiVersion !== "monitoring.coreos.com/v1",
      ),
    timeoutMs: 60_000,
  });
  assert.deepEqual([...pruned.pruned].sort(), [...monitors].sort());
});
