/**
 * Each ServiceAccount of the deployed dapp stack can do exactly what its rendered Role
 * grants and nothing else: the API server's own SubjectAccessReview answers a matrix
 * of requests for system:serviceaccount:<ns>:<sa>, allowed and denied alike.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { createPlan } from "@cryptokube/plan";
import { parseStack, TEMPLATES } from "@cryptokube/spec";
import { deployStack } from "../src/deploy/deploy-stack.ts";
import type { KubeClient } from "../src/deploy/kube-client.ts";
import { renderManifests } from "../src/render/render-manifests.ts";
import type { KubeObject } from "../src/render/types.ts";
import { connectOrSkip, freshNamespace } from "./cluster-fixture.ts";

interface Probe {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  /** Another namespace than the stack's. */
  elsewhere?: boolean;
}

const PROBES: Probe[] = [
  { verb: "get", group: "", resource: "pods" },
  { verb: "list", group: "", resource: "pods" },
  { verb: "watch", group: "", resource: "pods" },
  { verb: "get", group: "", resource: "pods", subresource: "log" },
  { verb: "list", group: "", resource: "events" },
  { verb: "create", group: "", resource: "pods" },
  { verb: "delete", group: "", resource: "pods" },
  { verb: "create", group: "", resource: "pods", subresource: "exec" },
  { verb: "get", group: "", resource: "secrets" },
  { verb: "list", group: "", resource: "secrets" },
  { verb: "get", group: "", resource: "configmaps" },
  { verb: "update", group: "", resource: "configmaps" },
  { verb: "list", group: "apps", resource: "deployments" },
  { verb: "list", group: "apps", resource: "statefulsets" },
  { verb: "patch", group: "apps", resource: "deployments" },
  { verb: "create", group: "", resource: "serviceaccounts", subresource: "token" },
  { verb: "list", group: "", resource: "pods", elsewhere: true },
  { verb: "list", group: "", resource: "nodes" },
];

interface Rule {
  apiGroups?: string[];
  resources?: string[];
  verbs?: string[];
}

/** What the rendered RBAC grants a ServiceAccount (namespaced Roles bound to it). */
function expectedAllowed(objects: KubeObject[], account: string, probe: Probe): boolean {
  if (probe.elsewhere === true || probe.resource === "nodes") return false;
  const roles = objects
    .filter((object) => object.kind === "RoleBinding")
    .filter((binding) =>
      ((binding.subjects as { kind: string; name: string }[] | undefined) ?? []).some(
        (subject) => subject.kind === "ServiceAccount" && subject.name === account,
      ),
    )
    .map((binding) => (binding.roleRef as { name: string }).name);
  const rules = objects
    .filter((object) => object.kind === "Role" && roles.includes(object.metadata.name))
    .flatMap((role) => (role.rules as Rule[] | undefined) ?? []);
  const resource =
    probe.subresource === undefined ? probe.resource : `${probe.resource}/${probe.subresource}`;
  return rules.some(
    (rule) =>
      (rule.apiGroups ?? []).includes(probe.group) &&
      (rule.resources ?? []).includes(resource) &&
      (rule.verbs ?? []).includes(probe.verb),
  );
}

async function allowed(
  client: KubeClient,
  namespace: string,
  account: string,
  probe: Probe,
): Promise<boolean> {
  const review = await client.authorization.createSubjectAccessReview({
    body: {
      apiVersion: "authorization.k8s.io/v1",
      kind: "SubjectAccessReview",
      spec: {
        user: `system:serviceaccount:${namespace}:${account}`,
        groups: [
          "system:serviceaccounts",
          `system:serviceaccounts:${namespace}`,
          "system:authenticated",
        ],
        resourceAttributes: {
          verb: probe.verb,
          group: probe.group,
          resource: probe.resource,
          ...(probe.subresource === undefined ? {} : { subresource: probe.subresource }),
          ...(probe.resource === "nodes"
            ? {}
            : { namespace: probe.elsewhere === true ? "default" : namespace }),
        },
      },
    },
  });
  return review.status?.allowed === true;
}

test("every ServiceAccount of the dapp stack can do exactly what its Role grants (SubjectAccessReview)", async (t) => {
  const client = await connectOrSkip(t);
  if (client === undefined) return;
  const namespace = freshNamespace(t, client, "rbac");
  const template = TEMPLATES.dapp;
  assert.ok(template !== undefined);
  const parsed = parseStack(template.text, "cryptokube.yaml");
  assert.ok(parsed.ok);
  const plan = createPlan(parsed.stack, { target: "kubernetes" });

  let rendered: KubeObject[] = [];
  await deployStack(client, {
    plan,
    namespace,
    render: (p, options) => {
      rendered = renderManifests(p, options);
      return rendered;
    },
    wait: false,
  });
  const accounts = rendered
    .filter((object) => object.kind === "ServiceAccount")
    .map((sa) => sa.metadata.name);
  assert.ok(accounts.length >= 5, accounts.join(","));

  let grantedSomewhere = 0;
  const mismatches: string[] = [];
  for (const account of accounts) {
    const results = await Promise.all(
      PROBES.map(async (probe) => ({
        probe,
        actual: await allowed(client, namespace, account, probe),
      })),
    );
    for (const { probe, actual } of results) {
      const expected = expectedAllowed(rendered, account, probe);
      if (expected) grantedSomewhere += 1;
      if (actual !== expected)
        mismatches.push(
          `${account}: ${probe.verb} ${probe.group}/${probe.resource}${probe.subresource === undefined ? "" : `/${probe.subresource}`}${probe.elsewhere === true ? " in default" : ""}: expected ${expected}, got ${actual}`,
        );
    }
    // A component without API access gets no token in its pods either.
    const sa = rendered.find(
      (object) => object.kind === "ServiceAccount" && object.metadata.name === account,
    );
    const hasRole = PROBES.some((probe) => expectedAllowed(rendered, account, probe));
    if (!hasRole)
      assert.equal(sa?.automountServiceAccountToken, false, `${account} mounts no token`);
  }
  assert.deepEqual(mismatches, []);
  // The matrix really exercised "allowed": the dashboard reads pods, logs and events.
  assert.ok(grantedSomewhere >= 5, `allowed checks exercised: ${grantedSomewhere}`);
  // And the secrets of the stack are readable by no ServiceAccount through RBAC.
  for (const account of accounts) {
    assert.equal(
      await allowed(client, namespace, account, { verb: "get", group: "", resource: "secrets" }),
      false,
    );
  }
});
