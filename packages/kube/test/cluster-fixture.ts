/**
 * Shared by the tests that run against the test cluster (scripts/kube-cluster): finds
 * it, fails with how to start it in CI (skips elsewhere), and hands out fresh
 * namespaces that are deleted after the test.
 */
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "node:test";
import type { Plan } from "@cryptokube/plan/types";
import { createKubeClient, type KubeClient } from "../src/deploy/kube-client.ts";

export const START_HINT = "the test cluster is not running: run bash scripts/kube-cluster/start.sh";

export function clusterDir(): string {
  const cache = process.env.CRYPTOKUBE_CACHE ?? join(homedir(), ".cache", "cryptokube");
  return process.env.CRYPTOKUBE_KUBE_DIR ?? join(cache, "kube", "cluster");
}

export const KUBECONFIG = join(clusterDir(), "kubeconfig");

/** An env for child processes / the in-process CLI pointing at the test cluster only. */
export function clusterEnv(): Record<string, string | undefined> {
  return { ...process.env, KUBECONFIG, NO_COLOR: "1" };
}

/**
 * The client for the test cluster, or undefined after skipping the test (outside CI).
 * In CI (CI set) a missing cluster is a failure with the how-to message.
 */
export async function connectOrSkip(t: TestContext): Promise<KubeClient | undefined> {
  const problem = await clusterProblem();
  if (problem === undefined) return createKubeClient({ kubeconfig: KUBECONFIG });
  if (process.env.CI !== undefined && process.env.CI !== "" && process.env.CI !== "false")
    throw new Error(`${START_HINT} (${problem})`);
  t.skip(`${START_HINT} (${problem})`);
  return undefined;
}

async function clusterProblem(): Promise<string | undefined> {
  if (!existsSync(KUBECONFIG)) return `no kubeconfig at ${KUBECONFIG}`;
  try {
    const client = createKubeClient({ kubeconfig: KUBECONFIG });
    await Promise.race([
      client.core.listNode({ limit: 1 }),
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error("no answer within 5s")), 5000).unref(),
      ),
    ]);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** A unique namespace name; the namespace (whatever created it) is deleted after the test. */
export function freshNamespace(t: TestContext, client: KubeClient, prefix: string): string {
  const name = `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
  t.after(async () => {
    // Not awaited to completion: namespace finalization is the cluster's business.
    await client.core.deleteNamespace({ name }).catch(() => {});
  });
  return name;
}

/** A plan with no components: enough for deploy tests whose render function is hand-written. */
export function emptyPlan(stack: string, namespace: string, secrets: Plan["secrets"] = []): Plan {
  return {
    apiVersion: "cryptokube.dev/plan/v1",
    stack,
    target: "kubernetes",
    namespace,
    components: [],
    secrets,
  } as Plan;
}

/** Labels every CryptoKube object carries (what prune and destroy select by). */
export function stackLabels(stack: string, component: string): Record<string, string> {
  return {
    "app.kubernetes.io/managed-by": "cryptokube",
    "cryptokube.dev/stack": stack,
    "app.kubernetes.io/instance": component,
  };
}

/** A Deployment that passes Pod Security "restricted", as render writes them. */
export function restrictedDeployment(
  stack: string,
  namespace: string,
  name: string,
  replicas = 1,
  extraPodSpec: Record<string, unknown> = {},
) {
  const labels = stackLabels(stack, name);
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace, labels },
    spec: {
      replicas,
      selector: {
        matchLabels: { "app.kubernetes.io/instance": name, "cryptokube.dev/stack": stack },
      },
      template: {
        metadata: { labels },
        spec: {
          automountServiceAccountToken: false,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 10001,
            seccompProfile: { type: "RuntimeDefault" },
          },
          containers: [
            {
              name,
              image: `registry.example/${name}:1.0`,
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ["ALL"] },
              },
              resources: {
                requests: { cpu: "10m", memory: "16Mi" },
                limits: { cpu: "100m", memory: "64Mi" },
              },
            },
          ],
          ...extraPodSpec,
        },
      },
    },
  };
}

export function restrictedNamespace(stack: string, name: string) {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name,
      labels: {
        ...stackLabels(stack, "stack"),
        "pod-security.kubernetes.io/enforce": "restricted",
        "pod-security.kubernetes.io/enforce-version": "latest",
      },
    },
  };
}
