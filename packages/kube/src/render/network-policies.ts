/**
 * NetworkPolicies: deny everything in the namespace, allow DNS, then per component
 * exactly the flows of the plan (flows.ts) in both directions, p2p ports open to
 * the world with egress to public addresses for peers, metrics ports open to the
 * monitoring namespace, the Kubernetes API for components that read it, and any
 * egress for components whose dependency lives outside the stack (an external
 * database given as a Secret).
 */
import type { Component } from "@cryptokube/plan/types";
import { type Flow, planFlows } from "./flows.ts";
import { componentLabels, selectorLabels, stackLabels } from "./labels.ts";
import { packageTraits } from "./package-traits.ts";
import { componentPorts, endpointPort } from "./ports.ts";
import type { RenderContext } from "./render-context.ts";
import type { KubeObject } from "./types.ts";

export const DEFAULT_MONITORING_NAMESPACE = "monitoring";
const API_SERVER_PORTS = [443, 6443];
const PRIVATE_V4 = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"];
const PUBLIC_PEERS = [
  { ipBlock: { cidr: "0.0.0.0/0", except: PRIVATE_V4 } },
  { ipBlock: { cidr: "::/0", except: ["fc00::/7", "fe80::/10"] } },
];

const tcp = (port: number) => ({ protocol: "TCP", port });

function stackWide(ctx: RenderContext, name: string, spec: Record<string, unknown>): KubeObject {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name, namespace: ctx.namespace, labels: stackLabels(ctx.plan, "network-policy") },
    spec,
  };
}

function usesExternalSecret(ctx: RenderContext, component: Component): boolean {
  return ctx.plan.secrets.some(
    (s) => s.generate.kind === "external" && s.usedBy.includes(component.name),
  );
}

function componentPolicy(
  ctx: RenderContext,
  component: Component,
  flows: Flow[],
): KubeObject | undefined {
  const ingress: Record<string, unknown>[] = [];
  const egress: Record<string, unknown>[] = [];
  for (const flow of flows.filter((f) => f.to === component.name)) {
    const client = ctx.component(flow.from);
    if (client === undefined) continue;
    ingress.push({
      from: [{ podSelector: { matchLabels: selectorLabels(ctx.plan, client) } }],
      ports: flow.ports.map(tcp),
    });
  }
  for (const flow of flows.filter((f) => f.from === component.name)) {
    const server = ctx.component(flow.to);
    if (server === undefined) continue;
    egress.push({
      to: [{ podSelector: { matchLabels: selectorLabels(ctx.plan, server) } }],
      ports: flow.ports.map(tcp),
    });
  }
  const p2p = componentPorts(component).filter((p) => p.p2p && p.public);
  if (p2p.length > 0) {
    ingress.push({ ports: p2p.map((p) => ({ protocol: p.protocol, port: p.port })) });
    egress.push({ to: PUBLIC_PEERS });
  }
  if (component.metrics !== undefined) {
    const port = endpointPort(component, component.metrics.endpoint);
    const monitoring = ctx.options.monitoringNamespace ?? DEFAULT_MONITORING_NAMESPACE;
    if (port !== undefined) {
      ingress.push({
        from: [
          {
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": monitoring } },
          },
        ],
        ports: [tcp(port.port)],
      });
    }
  }
  if (packageTraits(component).readsKubeApi) egress.push({ ports: API_SERVER_PORTS.map(tcp) });
  if (usesExternalSecret(ctx, component)) egress.push({});
  if (ingress.length === 0 && egress.length === 0) return undefined;
  const policyTypes = [
    ...(ingress.length > 0 ? ["Ingress"] : []),
    ...(egress.length > 0 ? ["Egress"] : []),
  ];
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: {
      name: component.name,
      namespace: ctx.namespace,
      labels: componentLabels(ctx.plan, component),
    },
    spec: {
      podSelector: { matchLabels: selectorLabels(ctx.plan, component) },
      policyTypes,
      ...(ingress.length > 0 ? { ingress } : {}),
      ...(egress.length > 0 ? { egress } : {}),
    },
  };
}

export function networkPolicies(ctx: RenderContext): KubeObject[] {
  const flows = planFlows(ctx);
  const policies: KubeObject[] = [
    stackWide(ctx, "default-deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] }),
    stackWide(ctx, "allow-dns", {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [
        {
          ports: [
            { protocol: "UDP", port: 53 },
            { protocol: "TCP", port: 53 },
          ],
        },
      ],
    }),
  ];
  for (const component of ctx.plan.components) {
    const policy = componentPolicy(ctx, component, flows);
    if (policy !== undefined) policies.push(policy);
  }
  return policies;
}
