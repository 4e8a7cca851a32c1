/**
 * NetworkPolicies: default deny plus DNS, then exactly the flows the plan's
 * references need, each allowed on both ends (egress at the client, ingress at
 * the server) and nothing else between pods of the stack.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Plan } from "@cryptokube/plan/types";
import { type KubeObject, renderManifests } from "../src/index.ts";
import { templatePlan } from "./template-plan.ts";

// biome-ignore lint/suspicious/noExplicitAny: tests walk untyped manifest trees
type Json = Record<string, any>;

/** Edges "client>server:port" the plan implies: a server's URL (host:port, or bare host) in the client's config. */
function expectedEdges(plan: Plan): Set<string> {
  const edges = new Set<string>();
  for (const client of plan.components) {
    const text = JSON.stringify([client.run, client.env, client.settings]);
    for (const server of plan.components) {
      if (server === client) continue;
      const host = `${server.name}.${plan.namespace}.svc.cluster.local`;
      for (const e of server.endpoints) {
        if (text.includes(`${host}:${e.port}`))
          edges.add(`${client.name}>${server.name}:${e.port}`);
      }
      if (new RegExp(`${host.replaceAll(".", "\\.")}(?!:)`).test(text)) {
        for (const e of server.endpoints.filter((x) => x.protocol !== "p2p"))
          edges.add(`${client.name}>${server.name}:${e.port}`);
      }
    }
  }
  return edges;
}

function policyEdges(objects: KubeObject[], direction: "ingress" | "egress"): Set<string> {
  const edges = new Set<string>();
  for (const policy of objects.filter((o) => o.kind === "NetworkPolicy") as Json[]) {
    const self = policy.spec.podSelector.matchLabels?.["app.kubernetes.io/instance"];
    for (const rule of policy.spec[direction] ?? []) {
      for (const peer of rule[direction === "ingress" ? "from" : "to"] ?? []) {
        const other = peer.podSelector?.matchLabels?.["app.kubernetes.io/instance"];
        if (other === undefined) continue;
        for (const port of rule.ports ?? []) {
          edges.add(
            direction === "ingress"
              ? `${other}>${self}:${port.port}`
              : `${self}>${other}:${port.port}`,
          );
        }
      }
    }
  }
  return edges;
}

describe("network policies", () => {
  for (const name of ["dapp", "node", "bitcoin"]) {
    it(`${name}: pod-to-pod flows are exactly the plan's references, on both ends`, () => {
      const plan = templatePlan(name);
      const objects = renderManifests(plan);
      const expected = [...expectedEdges(plan)].sort();
      assert.ok(expected.length > 0);
      assert.deepEqual([...policyEdges(objects, "egress")].sort(), expected);
      assert.deepEqual([...policyEdges(objects, "ingress")].sort(), expected);
    });
  }

  it("dapp: the edges a reader would expect, and none the plan does not need", () => {
    const edges = expectedEdges(templatePlan("dapp"));
    for (const edge of [
      "gateway>eth:8545",
      "indexer>postgres:5432",
      "web>gateway:8080",
      "web>ipfs:5001",
    ])
      assert.ok(edges.has(edge), edge);
    for (const edge of ["web>postgres:5432", "web>eth:8545", "eth>gateway:8080"])
      assert.ok(!edges.has(edge), edge);
    const node = expectedEdges(templatePlan("node"));
    assert.ok(node.has("eth-consensus>eth:8551"), "engine API");
    assert.ok(node.has("prometheus>eth:6060"), "scraping");
  });

  it("deny by default, DNS allowed, p2p open to public peers, metrics to the monitoring namespace", () => {
    const objects = renderManifests(templatePlan("node"), { monitoringNamespace: "observability" });
    const policies = objects.filter((o) => o.kind === "NetworkPolicy") as Json[];
    const deny = policies.find((p) => p.metadata.name === "default-deny");
    assert.deepEqual(deny?.spec, { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    const dns = policies.find((p) => p.metadata.name === "allow-dns");
    assert.deepEqual(
      dns?.spec.egress[0].ports.map((p: Json) => `${p.port}/${p.protocol}`),
      ["53/UDP", "53/TCP"],
    );
    const eth = policies.find((p) => p.metadata.name === "eth");
    const open = eth?.spec.ingress.find((r: Json) => r.from === undefined);
    assert.deepEqual(open.ports, [
      { protocol: "TCP", port: 30303 },
      { protocol: "UDP", port: 30303 },
    ]);
    const peers = eth?.spec.egress.find((r: Json) => r.to?.[0]?.ipBlock !== undefined);
    assert.ok(peers.to[0].ipBlock.except.includes("10.0.0.0/8"), "peers are public addresses");
    const scrape = eth?.spec.ingress.find(
      (r: Json) => r.from?.[0]?.namespaceSelector !== undefined,
    );
    assert.equal(
      scrape.from[0].namespaceSelector.matchLabels["kubernetes.io/metadata.name"],
      "observability",
    );
    assert.deepEqual(scrape.ports, [{ protocol: "TCP", port: 6060 }]);
    // The gateway has no p2p: no rule without a peer selector.
    const gateway = policies.find((p) => p.metadata.name === "gateway");
    assert.ok(gateway?.spec.ingress.every((r: Json) => r.from !== undefined));
    assert.ok(gateway?.spec.egress.every((r: Json) => r.to !== undefined));
  });
});
