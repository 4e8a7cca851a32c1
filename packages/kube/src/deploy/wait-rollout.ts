/**
 * Waits until the stack's Deployments and StatefulSets have rolled out (the same tests
 * `kubectl rollout status` makes), printing a progress line whenever the picture
 * changes. On timeout it explains, per object, what is not ready and why: conditions,
 * pods' waiting reasons and scheduling failures, and recent Warning events.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { CryptoKubeError } from "@cryptokube/core";
import type { V1Deployment, V1Pod, V1StatefulSet } from "@kubernetes/client-node";
import { isNetworkError, unreachable } from "./api-errors.ts";
import type { KubeClient } from "./kube-client.ts";
import { retryTransient } from "./retry-transient.ts";

export interface WorkloadRef {
  kind: "Deployment" | "StatefulSet";
  name: string;
}

export interface WorkloadProgress extends WorkloadRef {
  desired: number;
  ready: number;
  updated: number;
  done: boolean;
  /** Why it is not done yet, in a few words. */
  waitingFor?: string;
}

export interface WaitRolloutOptions {
  namespace: string;
  workloads: WorkloadRef[];
  timeoutMs: number;
  /** First poll interval (default 100ms); it grows after 5s and 30s (see pollDelay). */
  intervalMs?: number;
  onProgress?: (line: string) => void;
  signal?: AbortSignal;
}

export interface NotReadyReport extends WorkloadProgress {
  conditions: string[];
  pods: string[];
  events: string[];
}

export class RolloutTimeoutError extends CryptoKubeError {
  override name = "RolloutTimeoutError";
  readonly notReady: NotReadyReport[];
  constructor(timeoutMs: number, notReady: NotReadyReport[]) {
    super(
      `rollout did not complete within ${Math.round(timeoutMs / 1000)}s: ${notReady
        .map((item) => `${item.kind}/${item.name}`)
        .join(", ")} not ready`,
      {
        code: "ROLLOUT_TIMEOUT",
        retryable: true,
        details: formatNotReady(notReady),
        hint: "fix the cause above and deploy again (the apply is idempotent), or raise --timeout for slow starts",
      },
    );
    this.notReady = notReady;
  }
}

export async function waitForRollout(
  client: KubeClient,
  options: WaitRolloutOptions,
): Promise<WorkloadProgress[]> {
  const started = Date.now();
  const interval = options.intervalMs ?? 100;
  let lastLine = "";
  for (;;) {
    options.signal?.throwIfAborted();
    const progress = await readProgress(client, options.namespace, options.workloads);
    const pending = progress.filter((item) => !item.done);
    const line =
      pending.length === 0
        ? `rollout complete: ${progress.length} workload${progress.length === 1 ? "" : "s"} ready`
        : `waiting for ${pending.length}/${progress.length}: ${pending
            .map(
              (item) =>
                `${item.kind.toLowerCase()}/${item.name} ${item.ready}/${item.desired} ready${item.waitingFor === undefined ? "" : ` (${item.waitingFor})`}`,
            )
            .join(", ")}`;
    if (line !== lastLine) options.onProgress?.(line);
    lastLine = line;
    if (pending.length === 0) return progress;
    if (Date.now() - started >= options.timeoutMs) {
      const reports = await Promise.all(
        pending.map((item) => explainNotReady(client, options.namespace, item)),
      );
      throw new RolloutTimeoutError(options.timeoutMs, reports);
    }
    await sleep(
      interval,
      undefined,
      options.signal === undefined ? {} : { signal: options.signal },
    );
  }
}

/** Two LISTs per poll, whatever the number of workloads. */
async function readProgress(
  client: KubeClient,
  namespace: string,
  workloads: WorkloadRef[],
): Promise<WorkloadProgress[]> {
  try {
    const [deployments, statefulSets] = await Promise.all([
      workloads.some((ref) => ref.kind === "Deployment")
        ? retryTransient(() => client.apps.listNamespacedDeployment({ namespace })).then(
            (list) => list.items,
          )
        : [],
      workloads.some((ref) => ref.kind === "StatefulSet")
        ? retryTransient(() => client.apps.listNamespacedStatefulSet({ namespace })).then(
            (list) => list.items,
          )
        : [],
    ]);
    return workloads.map((ref) => {
      if (ref.kind === "Deployment") {
        const found = deployments.find((item) => item.metadata?.name === ref.name);
        return found === undefined ? missing(ref) : deploymentProgress(ref, found);
      }
      const found = statefulSets.find((item) => item.metadata?.name === ref.name);
      return found === undefined ? missing(ref) : statefulSetProgress(ref, found);
    });
  } catch (error) {
    if (isNetworkError(error)) throw unreachable(client.server, error);
    throw error;
  }
}

function missing(ref: WorkloadRef): WorkloadProgress {
  return {
    ...ref,
    desired: 0,
    ready: 0,
    updated: 0,
    done: false,
    waitingFor: "does not exist (deleted meanwhile?)",
  };
}

/** Quick polls while a rollout usually completes, then gentler ones for slow starts. */
export function pollDelay(elapsedMs: number, base: number): number {
  if (elapsedMs < 5_000) return base;
  if (elapsedMs < 30_000) return base * 4;
  return base * 10;
}

/** kubectl's DeploymentStatusViewer, as data. */
export function deploymentProgress(ref: WorkloadRef, deployment: V1Deployment): WorkloadProgress {
  const desired = deployment.spec?.replicas ?? 1;
  const status = deployment.status ?? {};
  const ready = status.readyReplicas ?? 0;
  const updated = status.updatedReplicas ?? 0;
  const base = { ...ref, desired, ready, updated };
  if ((status.observedGeneration ?? 0) < (deployment.metadata?.generation ?? 0))
    return { ...base, done: false, waitingFor: "spec not observed yet" };
  const progressing = status.conditions?.find((condition) => condition.type === "Progressing");
  if (progressing?.reason === "ProgressDeadlineExceeded")
    return { ...base, done: false, waitingFor: "progress deadline exceeded" };
  if (updated < desired)
    return { ...base, done: false, waitingFor: `${updated}/${desired} updated` };
  if ((status.replicas ?? 0) > updated)
    return { ...base, done: false, waitingFor: "old replicas terminating" };
  if ((status.availableReplicas ?? 0) < updated)
    return {
      ...base,
      done: false,
      waitingFor: `${status.availableReplicas ?? 0}/${updated} available`,
    };
  return { ...base, done: true };
}

/** kubectl's StatefulSetStatusViewer (RollingUpdate), as data. */
export function statefulSetProgress(ref: WorkloadRef, set: V1StatefulSet): WorkloadProgress {
  const desired = set.spec?.replicas ?? 1;
  const status = set.status ?? { replicas: 0 };
  const ready = status.readyReplicas ?? 0;
  const updated = status.updatedReplicas ?? 0;
  const base = { ...ref, desired, ready, updated };
  if ((status.observedGeneration ?? 0) < (set.metadata?.generation ?? 0))
    return { ...base, done: false, waitingFor: "spec not observed yet" };
  if (ready < desired) return { ...base, done: false, waitingFor: `${ready}/${desired} ready` };
  if (set.spec?.updateStrategy?.type === "OnDelete") return { ...base, done: true };
  const partition = set.spec?.updateStrategy?.rollingUpdate?.partition ?? 0;
  if (partition > 0) {
    const wanted = desired - partition;
    return updated >= wanted
      ? { ...base, done: true }
      : { ...base, done: false, waitingFor: `${updated}/${wanted} updated (partitioned)` };
  }
  if (status.updateRevision !== status.currentRevision)
    return { ...base, done: false, waitingFor: `${updated}/${desired} updated` };
  return { ...base, done: true };
}

async function explainNotReady(
  client: KubeClient,
  namespace: string,
  item: WorkloadProgress,
): Promise<NotReadyReport> {
  const report: NotReadyReport = { ...item, conditions: [], pods: [], events: [] };
  try {
    const workload =
      item.kind === "Deployment"
        ? await client.apps.readNamespacedDeployment({ name: item.name, namespace })
        : await client.apps.readNamespacedStatefulSet({ name: item.name, namespace });
    for (const condition of workload.status?.conditions ?? []) {
      const healthy =
        (condition.type === "Available" || condition.type === "Progressing") &&
        condition.status === "True";
      if (!healthy)
        report.conditions.push(
          `${condition.type}=${condition.status}${condition.reason === undefined ? "" : ` ${condition.reason}`}${condition.message === undefined ? "" : `: ${condition.message}`}`,
        );
    }
    const matchLabels = workload.spec?.selector.matchLabels ?? {};
    const selector = Object.entries(matchLabels)
      .map(([key, value]) => `${key}=${value}`)
      .join(",");
    const pods =
      selector === ""
        ? []
        : (await client.core.listNamespacedPod({ namespace, labelSelector: selector })).items;
    for (const pod of pods) {
      const why = podProblem(pod);
      if (why !== undefined) report.pods.push(`pod/${pod.metadata?.name}: ${why}`);
    }
    const names = new Set([item.name, ...pods.map((pod) => pod.metadata?.name ?? "")]);
    const events = await client.core.listNamespacedEvent({ namespace });
    report.events = events.items
      .filter((event) => event.type === "Warning" && names.has(event.involvedObject.name ?? ""))
      .sort((a, b) => eventTime(b) - eventTime(a))
      .slice(0, 5)
      .map((event) =>
        `${event.involvedObject.kind}/${event.involvedObject.name}: ${event.reason ?? ""} ${event.message ?? ""}`.trim(),
      );
    if (pods.length === 0 && report.conditions.length === 0)
      report.pods.push("no pods exist yet (check the ReplicaSet/StatefulSet events)");
  } catch (error) {
    report.conditions.push(
      `could not inspect: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return report;
}

/** The most telling reason a pod is not ready, or undefined when it is. */
export function podProblem(pod: V1Pod): string | undefined {
  const status = pod.status;
  const scheduled = status?.conditions?.find((condition) => condition.type === "PodScheduled");
  if (scheduled?.status === "False")
    return `not scheduled: ${scheduled.reason ?? ""} ${scheduled.message ?? ""}`.trim();
  for (const container of [
    ...(status?.initContainerStatuses ?? []),
    ...(status?.containerStatuses ?? []),
  ]) {
    const waiting = container.state?.waiting;
    if (waiting !== undefined)
      return `container ${container.name} waiting: ${waiting.reason ?? ""}${waiting.message === undefined ? "" : ` (${waiting.message})`}`;
    const terminated = container.state?.terminated;
    if (terminated !== undefined && terminated.exitCode !== 0)
      return `container ${container.name} exited ${terminated.exitCode}: ${terminated.reason ?? ""}`;
  }
  const ready = status?.conditions?.find((condition) => condition.type === "Ready");
  if (ready?.status !== "True")
    return `phase ${status?.phase ?? "Unknown"}, not ready${ready?.message === undefined ? "" : `: ${ready.message}`}`;
  return undefined;
}

function eventTime(event: { lastTimestamp?: Date; eventTime?: Date }): number {
  return new Date(event.lastTimestamp ?? event.eventTime ?? 0).getTime();
}

export function formatNotReady(reports: NotReadyReport[]): string {
  return reports
    .map((report) =>
      [
        `${report.kind}/${report.name}: ${report.ready}/${report.desired} ready${report.waitingFor === undefined ? "" : `, ${report.waitingFor}`}`,
        ...report.conditions.map((line) => `  condition ${line}`),
        ...report.pods.map((line) => `  ${line}`),
        ...report.events.map((line) => `  event ${line}`),
      ].join("\n"),
    )
    .join("\n");
}
