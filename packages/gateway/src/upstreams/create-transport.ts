import type { UpstreamConfig } from "../config/schema.ts";
import { createHttpTransport } from "./http-transport.ts";
import { batchable, type UpstreamTransport } from "./upstream-transport.ts";
import { createWsTransport } from "./ws-transport.ts";

export interface TransportHooks {
  /** Told the number of calls of every exchange (metrics). */
  onExchange(calls: number): void;
  onBatchesRefused(): void;
}

/**
 * How the gateway calls one upstream. With a ws URL (and `calls` not "http"), ordinary calls
 * go over one persistent WebSocket: a frame each way instead of an HTTP exchange, which on
 * loopback cost the gateway and the node more than most calls themselves. Calls whose answers
 * can be large or slow (eth_getLogs, debug_*, trace_*) still go over HTTP, where they do not
 * hold up the other answers on the one connection. Without a ws URL everything is HTTP.
 */
export function createTransport(config: UpstreamConfig, hooks: TransportHooks): UpstreamTransport {
  const http = createHttpTransport({
    name: config.name,
    url: config.http,
    batchSize: config.batchSize,
    onExchange: hooks.onExchange,
    onBatchesRefused: hooks.onBatchesRefused,
  });
  const wsUrl = config.calls === "http" ? undefined : config.ws;
  if (wsUrl === undefined) return http;
  const ws = createWsTransport({ name: config.name, url: wsUrl, onExchange: hooks.onExchange });
  return {
    call: (method, params, timeoutMs) =>
      (batchable(method) ? ws : http).call(method, params, timeoutMs),
    close() {
      ws.close();
      http.close();
    },
  };
}
