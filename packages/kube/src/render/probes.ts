/**
 * The plan's health checks as Kubernetes probes. A container has one probe per
 * kind, so of several plan probes the most specific one that has a Kubernetes
 * form wins: chain-synced > chain-head > jsonrpc > exec > http > tcp.
 *
 * Chain-aware probes need the node's answer to a JSON-RPC call, which httpGet
 * cannot send (it only GETs). geth ships its own client (`geth attach`), so its
 * readiness is an exec probe asking `eth.syncing`: a syncing node stays alive
 * (liveness is a TCP check) but is not ready. Nodes without a CLI in their image
 * fall back to the next probe the plan lists. The beacon API's health endpoint
 * answers 206 while syncing, which httpGet counts as success, so render asks it
 * to answer 503 instead (`syncing_status`, part of the standard beacon API).
 */
import type { Component, HealthProbe } from "@cryptokube/plan/types";
import { endpointPort } from "./ports.ts";

const STRENGTH: readonly HealthProbe["type"][] = [
  "chain-synced",
  "chain-head",
  "jsonrpc",
  "exec",
  "http",
  "tcp",
];

const BEACON_HEALTH = "/eth/v1/node/health";

export type ProbeAction =
  | { exec: { command: string[] } }
  | { httpGet: { path: string; port: string } }
  | { tcpSocket: { port: string } };

function rpcPort(component: Component, endpoint: string): number | undefined {
  return component.endpoints.find((e) => e.name === endpoint)?.port;
}

function gethAttach(component: Component, endpoint: string, expression: string, expect?: string) {
  const port = rpcPort(component, endpoint);
  if (port === undefined) return undefined;
  const call = `geth attach --exec '${expression}' http://127.0.0.1:${port}`;
  const script = expect === undefined ? call : `test "$(${call})" = "${expect}"`;
  return { exec: { command: ["sh", "-c", script] } };
}

/** A Kubernetes action for one plan probe, or undefined when this image offers none. */
export function probeAction(component: Component, probe: HealthProbe): ProbeAction | undefined {
  const geth = component.package === "ethereum" && component.variant === "geth";
  switch (probe.type) {
    case "chain-synced":
      return geth ? gethAttach(component, probe.endpoint, "eth.syncing", "false") : undefined;
    case "chain-head":
    case "jsonrpc":
      return geth ? gethAttach(component, probe.endpoint, "eth.blockNumber") : undefined;
    case "exec":
      return { exec: { command: [...probe.command] } };
    case "http": {
      const port = endpointPort(component, probe.endpoint);
      if (port === undefined) return undefined;
      const path =
        probe.path === BEACON_HEALTH && (probe.expectStatus ?? 200) === 200
          ? `${BEACON_HEALTH}?syncing_status=503`
          : probe.path;
      return { httpGet: { path, port: port.name } };
    }
    case "tcp": {
      const port = endpointPort(component, probe.endpoint);
      return port === undefined ? undefined : { tcpSocket: { port: port.name } };
    }
  }
}

/** The strongest plan probe with a Kubernetes form; falls back to TCP on its endpoint. */
export function strongestAction(
  component: Component,
  probes: readonly HealthProbe[],
): ProbeAction | undefined {
  const ordered = [...probes].sort((a, b) => STRENGTH.indexOf(a.type) - STRENGTH.indexOf(b.type));
  for (const probe of ordered) {
    const action = probeAction(component, probe);
    if (action !== undefined) return action;
  }
  for (const probe of ordered) {
    if (!("endpoint" in probe)) continue;
    const action = probeAction(component, { type: "tcp", endpoint: probe.endpoint });
    if (action !== undefined) return action;
  }
  return undefined;
}

export interface ContainerProbes {
  startupProbe?: Record<string, unknown>;
  readinessProbe?: Record<string, unknown>;
  livenessProbe?: Record<string, unknown>;
}

const STARTUP_PERIOD = 10;

export function containerProbes(component: Component): ContainerProbes {
  const { health } = component;
  const readiness = strongestAction(component, health.readiness);
  const liveness = strongestAction(component, health.liveness);
  const probes: ContainerProbes = {};
  // The startup budget holds liveness off while a node initialises its data dir.
  if (liveness !== undefined) {
    probes.startupProbe = {
      ...liveness,
      periodSeconds: STARTUP_PERIOD,
      timeoutSeconds: 5,
      failureThreshold: Math.max(1, Math.ceil(health.startupSeconds / STARTUP_PERIOD)),
    };
    probes.livenessProbe = {
      ...liveness,
      periodSeconds: 20,
      timeoutSeconds: 5,
      failureThreshold: 6,
    };
  }
  if (readiness !== undefined) {
    probes.readinessProbe = {
      ...readiness,
      periodSeconds: 10,
      timeoutSeconds: 5,
      failureThreshold: 3,
    };
  }
  return probes;
}
