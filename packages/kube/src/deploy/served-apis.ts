/** Which API group versions the cluster serves: decides whether monitoring objects (CRDs) are applied. */
import type { KubeClient } from "./kube-client.ts";

export async function getServedApiVersions(client: KubeClient): Promise<Set<string>> {
  const served = new Set<string>(["v1"]);
  const groups = await client.apis.getAPIVersions();
  for (const group of groups.groups) {
    for (const version of group.versions) served.add(version.groupVersion);
  }
  return served;
}

/** ServiceMonitor/PodMonitor/PrometheusRule are rendered only when the Prometheus operator's CRDs exist. */
export function monitoringServed(served: Set<string>): boolean {
  return served.has("monitoring.coreos.com/v1");
}
