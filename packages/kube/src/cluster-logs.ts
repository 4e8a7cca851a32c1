/**
 * The last lines of a component's pods' logs on a cluster, for the dashboard's stack
 * page (its Role allows get on pods/log in the stack's namespace, nothing more).
 */

import type { KubeClient } from "./deploy/kube-client.ts";
import { labelValue, STACK_LABEL } from "./render/labels.ts";

export interface PodLogLines {
  pod: string;
  lines: string[];
}

export async function readComponentLogs(
  client: KubeClient,
  options: { stack: string; namespace: string; component: string; lines: number },
): Promise<PodLogLines[]> {
  const labelSelector = `app.kubernetes.io/instance=${labelValue(options.component)},${STACK_LABEL}=${labelValue(options.stack)}`;
  const pods = await client.core.listNamespacedPod({
    namespace: options.namespace,
    labelSelector,
  });
  return Promise.all(
    pods.items.map(async (pod) => {
      const name = pod.metadata?.name ?? "";
      // A pod not started yet has no log: an empty list, not an error page.
      const text = await client.core
        .readNamespacedPodLog({ name, namespace: options.namespace, tailLines: options.lines })
        .catch(() => "");
      return { pod: name, lines: text.split("\n").filter((line) => line !== "") };
    }),
  );
}
