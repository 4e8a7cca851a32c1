/**
 * A component's endpoints as named container/Service ports. Kubernetes port names
 * are IANA service names (at most 15 characters, one letter at least), and two
 * endpoints on one port (the gateway's http and ws) share one port entry.
 */
import type { Component } from "@cryptokube/plan/types";

export interface NamedPort {
  name: string;
  port: number;
  protocol: "TCP" | "UDP";
  /** Plan endpoints served on this port. */
  endpoints: string[];
  p2p: boolean;
  public: boolean;
}

export function portName(text: string, suffix = ""): string {
  const base = text
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, "-")
    .replace(/-+/g, "-")
    .slice(0, 15 - suffix.length)
    .replace(/^-+|-+$/g, "");
  const named = /[a-z]/.test(base) ? base : `p${base}`.slice(0, 15 - suffix.length);
  return `${named}${suffix}`;
}

export function componentPorts(component: Component): NamedPort[] {
  const ports: NamedPort[] = [];
  const taken = new Set<string>();
  for (const endpoint of component.endpoints) {
    const p2p = endpoint.protocol === "p2p";
    const existing = ports.find((p) => p.port === endpoint.port && p.protocol === "TCP");
    if (existing !== undefined) {
      existing.endpoints.push(endpoint.name);
      continue;
    }
    let name = portName(endpoint.name);
    for (let i = 2; taken.has(name); i++) name = portName(endpoint.name, `-${i}`);
    taken.add(name);
    const common = { port: endpoint.port, p2p, public: endpoint.public };
    ports.push({ name, protocol: "TCP", endpoints: [endpoint.name], ...common });
    // Peer discovery (devp2p discv4/5, libp2p QUIC) runs over UDP on the same port.
    if (p2p) {
      const udp = portName(endpoint.name, "-udp");
      taken.add(udp);
      ports.push({ name: udp, protocol: "UDP", endpoints: [endpoint.name], ...common });
    }
  }
  return ports;
}

export function endpointPort(component: Component, endpoint: string): NamedPort | undefined {
  return componentPorts(component).find(
    (p) => p.protocol === "TCP" && p.endpoints.includes(endpoint),
  );
}
