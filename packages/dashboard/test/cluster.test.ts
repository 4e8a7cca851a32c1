/**
 * The stack page's Kubernetes source against the test cluster (scripts/kube-cluster):
 * the dapp template deployed with the real render, then read back the way the
 * dashboard does in its pod, with only what its Role allows.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { renderManifests } from "@cryptokube/kube";
import { deployStack } from "@cryptokube/kube/deploy";
import { connectOrSkip, freshNamespace, KUBECONFIG } from "../../kube/test/cluster-fixture.ts";
import { templatePlan } from "../../kube/test/template-plan.ts";
import { parseDashboardConfig } from "../src/config/parse-config.ts";
import { createClusterSource } from "../src/sources/cluster-source.ts";
import { stackOverview } from "../src/sources/stack-overview.ts";

test("on Kubernetes the stack page reads workloads, restarts and pod logs of its stack", async (t) => {
  const client = await connectOrSkip(t);
  if (client === undefined) return;
  const namespace = freshNamespace(t, client, "dash");
  const plan = templatePlan("dapp");
  await deployStack(client, { plan, render: renderManifests, namespace, timeoutMs: 60_000 });

  // The dashboard's own config, as the catalog generates it for this plan.
  const dashboard = plan.components.find((c) => c.package === "dashboard");
  assert.ok(dashboard?.run.type === "image");
  const generated = JSON.parse(
    dashboard.run.args[dashboard.run.args.indexOf("--config-json") + 1] ?? "",
  );
  assert.deepEqual(generated.kubernetes, { namespace: plan.namespace });
  const config = parseDashboardConfig(generated);

  const previous = process.env.KUBECONFIG;
  process.env.KUBECONFIG = KUBECONFIG;
  t.after(() => {
    if (previous === undefined) delete process.env.KUBECONFIG;
    else process.env.KUBECONFIG = previous;
  });
  const cluster = createClusterSource(config, { namespace });
  const overview = await stackOverview(config, undefined, "dashboard", cluster);
  assert.equal(overview.source, "kubernetes");
  assert.deepEqual(overview.warnings, []);
  const byName = new Map(overview.components.map((c) => [c.name, c]));
  for (const name of plan.components.map((c) => c.name)) {
    const component = byName.get(name);
    assert.ok(component, `${name} is on the stack page`);
    assert.equal(component.state, "ready", `${name}: ${component.healthDetail}`);
    assert.equal(component.healthy, true);
    assert.equal(component.restarts, 0);
  }
  // Endpoints come from the plan (cluster DNS names), packages from the config.
  assert.equal(byName.get("gateway")?.package, "gateway");
  assert.match(byName.get("gateway")?.endpoints[0]?.url ?? "", /gateway/);
  // kwok's pods write no logs: an empty list for a real component, not an error.
  assert.deepEqual(await cluster.logs("gateway", 20), []);

  // A namespace without the stack: nothing to show, and the page says so rather than failing.
  const empty = createClusterSource(config, { namespace: "default" });
  assert.deepEqual(await empty.components(), []);
});
