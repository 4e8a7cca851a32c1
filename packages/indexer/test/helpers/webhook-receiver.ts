import http from "node:http";
import type { AddressInfo } from "node:net";
import { type CloudEventV1, HTTP } from "cloudevents";

export interface Received {
  id: string;
  type: string;
  data: {
    blockNumber: number;
    blockHash: string;
    logIndex: number;
    event?: string;
    args?: Record<string, unknown>;
  };
}

export type Behaviour = (attempt: number, event: Received) => "ok" | "fail" | "hang";

/**
 * A real HTTP webhook on 127.0.0.1 that parses CloudEvents (binary mode) and records the
 * ones it acknowledged, in arrival order. `behaviour` can fail (500) or hang (never answer).
 */
export async function startWebhookReceiver(behaviour: Behaviour = () => "ok") {
  const acknowledged: Received[] = [];
  let attempts = 0;
  const hanging = new Set<http.ServerResponse>();
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (c: Buffer) => chunks.push(c));
    request.on("end", () => {
      attempts++;
      const body = Buffer.concat(chunks).toString("utf8");
      let event: Received;
      try {
        const ce = HTTP.toEvent({ headers: request.headers, body }) as CloudEventV1<
          Received["data"]
        >;
        if (request.headers["ce-id"] === undefined) throw new Error("not binary mode");
        event = { id: ce.id, type: ce.type, data: ce.data as Received["data"] };
      } catch {
        response.writeHead(400).end();
        return;
      }
      const action = behaviour(attempts, event);
      if (action === "hang") {
        hanging.add(response);
        return;
      }
      if (action === "fail") {
        response.writeHead(500).end("boom");
        return;
      }
      acknowledged.push(event);
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    acknowledged,
    attempts: () => attempts,
    async close() {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
