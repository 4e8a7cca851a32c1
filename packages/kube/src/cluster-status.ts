/**
 * The stack's state on a cluster, per component: its workload's desired/ready/updated
 * replicas, pod restarts, conditions that are not healthy and why pods are not ready.
 * Read-only: lists the stack's Deployments, StatefulSets and Pods by its labels.
 */
import type { V1Deployment, V1Pod, V1StatefulSet } from "@kubernetes/client-node";
import { isNetworkError, unreachable } from "./deploy/api-errors.ts";
import type { KubeClient } from "./deploy/kube-client.ts";
import { stackSelector } from "./deploy/stack-selector.ts";
import { deploymentProgress, podProblem, statefulSetProgress } from "./deploy/wait-rollout.ts";

export interface ClusterComponentStatus {
  /** The component (app.kubernetes.io/instance label), or the workload name. */
  component: string;
  kind: "Deployment" | "StatefulSet";
  name: string;
  desired: number;
  ready: number;
  updated: number;
  restarts: number;
  /** Rolled out and every desired replica ready. */
  healthy: boolean;
  conditions: { type: string; status: string; reason?: string; message?: string }[];
  /** Pods that are not ready, with the reason. */
  problems: string[];
}

export interface ClusterStackStatus {
  stack: string;
  namespace: string;
  context: string;
  server: string;
  components: ClusterComponentStatus[];
  /** True when there are workloads and all are healthy. */
  ready: boolean;
}

export async function getClusterStatus(
  client: KubeClient,
  options: { stack: string; namespace: string },
): Promise<ClusterStackStatus> {
  const labelSelector = stackSelector(options.stack);
  const namespace = options.namespace;
  let deployments: V1Deployment[];
  let statefulSets: V1StatefulSet[];
  let pods: V1Pod[];
  try {
    [deployments, statefulSets, pods] = await Promise.all([
      client.apps.listNamespacedDeployment({ namespace, labelSelector }).then((list) => list.items),
      client.apps
        .listNamespacedStatefulSet({ namespace, labelSelector })
        .then((list) => list.items),
      client.core.listNamespacedPod({ namespace }).then((list) => list.items),
    ]);
  } catch (error) {
    if (isNetworkError(error)) throw unreachable(client.server, error);
    throw error;
  }
  const components: ClusterComponentStatus[] = [
    ...deployments.map((item) =>
      describe(
        "Deployment",
        item,
        deploymentProgress({ kind: "Deployment", name: item.metadata?.name ?? "" }, item),
        pods,
      ),
    ),
    ...statefulSets.map((item) =>
      describe(
        "StatefulSet",
        item,
        statefulSetProgress({ kind: "StatefulSet", name: item.metadata?.name ?? "" }, item),
        pods,
      ),
    ),
  ].sort((a, b) => a.component.localeCompare(b.component) || a.name.localeCompare(b.name));
  return {
    stack: options.stack,
    namespace,
    context: client.context,
    server: client.server,
    components,
    ready: components.length > 0 && components.every((component) => component.healthy),
  };
}

function describe(
  kind: "Deployment" | "StatefulSet",
  workload: V1Deployment | V1StatefulSet,
  progress: { desired: number; ready: number; updated: number; done: boolean },
  allPods: V1Pod[],
): ClusterComponentStatus {
  const matchLabels = workload.spec?.selector.matchLabels ?? {};
  const pods = allPods.filter((pod) =>
    Object.entries(matchLabels).every(([key, value]) => pod.metadata?.labels?.[key] === value),
  );
  const restarts = pods
    .flatMap((pod) => pod.status?.containerStatuses ?? [])
    .reduce((sum, container) => sum + container.restartCount, 0);
  const problems = pods.flatMap((pod) => {
    const problem = podProblem(pod);
    return problem === undefined ? [] : [`pod/${pod.metadata?.name}: ${problem}`];
  });
  const name = workload.metadata?.name ?? "";
  return {
    component: workload.metadata?.labels?.["app.kubernetes.io/instance"] ?? name,
    kind,
    name,
    desired: progress.desired,
    ready: progress.ready,
    updated: progress.updated,
    restarts,
    healthy: progress.done,
    conditions: (workload.status?.conditions ?? []).map((condition) => ({
      type: condition.type,
      status: condition.status,
      ...(condition.reason === undefined ? {} : { reason: condition.reason }),
      ...(condition.message === undefined ? {} : { message: condition.message }),
    })),
    problems,
  };
}
