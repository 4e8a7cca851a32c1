/**
 * Services: a ClusterIP Service named after the component (the name the plan's
 * cluster DNS URLs use), a headless one for StatefulSets (stable pod DNS, peers
 * before readiness), and a NodePort Service for the p2p ports of nodes that need
 * peers (endpoints with `public: true`). NodePort works on every cluster without
 * a cloud load balancer; `externalTrafficPolicy: Local` keeps the peer's source
 * address, which p2p protocols use. Components that keep per-client state in memory get
 * ClientIP session affinity, so a client's next request finds it.
 */
import type { Component } from "@cryptokube/plan/types";
import { componentLabels, selectorLabels } from "./labels.ts";
import { packageTraits } from "./package-traits.ts";
import { componentPorts, type NamedPort } from "./ports.ts";
import type { RenderContext } from "./render-context.ts";
import type { KubeObject } from "./types.ts";

/** Tells a component's Services apart, so a ServiceMonitor scrapes each pod once. */
export const SERVICE_ROLE_LABEL = "cryptokube.dev/service";

export function headlessServiceName(component: Component): string {
  return `${component.name}-headless`;
}

export function p2pServiceName(component: Component): string {
  return `${component.name}-p2p`;
}

const servicePort = (p: NamedPort) => ({
  name: p.name,
  port: p.port,
  targetPort: p.name,
  protocol: p.protocol,
});

export function services(ctx: RenderContext, component: Component): KubeObject[] {
  const ports = componentPorts(component);
  if (ports.length === 0) return [];
  const labels = componentLabels(ctx.plan, component);
  const selector = selectorLabels(ctx.plan, component);
  const object = (name: string, role: string, spec: Record<string, unknown>): KubeObject => ({
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace: ctx.namespace, labels: { ...labels, [SERVICE_ROLE_LABEL]: role } },
    spec: { ...spec, selector },
  });
  const internal = ports.filter((p) => p.protocol === "TCP");
  const result = [
    object(component.name, "client", {
      type: "ClusterIP",
      ...(packageTraits(component).stickyClients ? { sessionAffinity: "ClientIP" } : {}),
      ports: internal.map(servicePort),
    }),
  ];
  if (component.workload === "stateful") {
    result.push(
      object(headlessServiceName(component), "headless", {
        clusterIP: "None",
        publishNotReadyAddresses: true,
        ports: internal.map(servicePort),
      }),
    );
  }
  const exposed = ports.filter((p) => p.p2p && p.public);
  if (exposed.length > 0) {
    result.push(
      object(p2pServiceName(component), "p2p", {
        type: "NodePort",
        externalTrafficPolicy: "Local",
        ports: exposed.map(servicePort),
      }),
    );
  }
  return result;
}
