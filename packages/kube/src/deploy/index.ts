/**
 * @cryptokube/kube/deploy: the cluster side of the Kubernetes target (apply, prune,
 * wait, destroy, status). A separate entry point so that importing the pure render
 * (`@cryptokube/kube`) does not load the Kubernetes client.
 */
export { type PodLogLines, readComponentLogs } from "../cluster-logs.ts";
export { type ClusterStackStatus, getClusterStatus } from "../cluster-status.ts";
export {
  type DeployOptions,
  type DeployResult,
  deployStack,
  type RenderFn,
} from "./deploy-stack.ts";
export { type DestroyOptions, type DestroyResult, destroyStack } from "./destroy-stack.ts";
export { formatDiff, type ObjectDiff } from "./diff-objects.ts";
export { createKubeClient, type KubeClient, type KubeClientOptions } from "./kube-client.ts";
export { formatNotReady, RolloutTimeoutError } from "./wait-rollout.ts";
