/**
 * Port conflicts are found before anything starts: every planned port is bound
 * once on 127.0.0.1. A port already in use is named with the component and
 * endpoint that wanted it, so the message says what to change.
 */
import { createServer } from "node:net";
import { CryptoKubeError } from "@cryptokube/core";
import type { Component } from "@cryptokube/plan/types";

export interface PlannedPort {
  port: number;
  /** "eth.rpc" */
  owner: string;
}

export function plannedPorts(components: Component[]): PlannedPort[] {
  const seen = new Map<number, PlannedPort>();
  for (const component of components) {
    for (const endpoint of component.endpoints) {
      // Several endpoints may share one port (HTTP and WebSocket faces of one server).
      if (endpoint.port > 0 && !seen.has(endpoint.port)) {
        seen.set(endpoint.port, {
          port: endpoint.port,
          owner: `${component.name}.${endpoint.name}`,
        });
      }
    }
  }
  return [...seen.values()];
}

export function isPortFree(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

export async function findBusyPorts(ports: PlannedPort[]): Promise<PlannedPort[]> {
  const free = await Promise.all(ports.map((entry) => isPortFree(entry.port)));
  return ports.filter((_entry, index) => free[index] === false);
}

/** Throws PORT_IN_USE naming every busy port and its owner. */
export async function assertPortsFree(components: Component[]): Promise<void> {
  const busy = await findBusyPorts(plannedPorts(components));
  if (busy.length === 0) return;
  const list = busy.map((entry) => `port ${entry.port} (${entry.owner})`).join(", ");
  const first = busy[0]?.port ?? 0;
  throw new CryptoKubeError(
    `${list} ${busy.length === 1 ? "is" : "are"} already in use; nothing was started`,
    {
      code: "PORT_IN_USE",
      hint: `find the process with \`ss -ltnp 'sport = :${first}'\` and stop it, or change the port in the stack file`,
    },
  );
}
