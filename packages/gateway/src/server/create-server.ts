import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { Logger } from "pino";
import { WebSocketServer } from "ws";
import type { ApiKeyEntry, Keyring } from "../access/api-keys.ts";
import type { CorsPolicy } from "../access/cors-policy.ts";
import type { GatewayLimits } from "../config/schema.ts";
import type { FilterRegistry } from "../filters/filter-registry.ts";
import type { GatewayMetrics } from "../metrics/create-metrics.ts";
import type { ChainRuntime } from "../routing/create-chain-runtime.ts";
import { limitExceeded, rpcErrorCodes } from "../rpc/errors.ts";
import { serializeError } from "../rpc/serialize-response.ts";
import type { HeadFeed } from "../ws/head-feed.ts";
import { startWsSession } from "../ws/ws-session.ts";
import { handleRpcBody } from "./handle-rpc-body.ts";
import { parseRpcRoute } from "./parse-route.ts";
import { readBody } from "./read-body.ts";

export interface ServedChain {
  runtime: ChainRuntime;
  feed: HeadFeed | undefined;
  filters: FilterRegistry | undefined;
}

export interface ServerOptions {
  chains: ReadonlyMap<string, ServedChain>;
  keyring: Keyring;
  cors: CorsPolicy;
  limits: GatewayLimits;
  metrics: GatewayMetrics;
  logger: Logger;
  health(): { ok: boolean; body: unknown };
}

const JSON_HEADERS = { "content-type": "application/json" };
const WS_HEARTBEAT_MS = 30_000;

/**
 * HTTP and WebSocket front door: routing, CORS, API keys, body limits, timeouts. Requests are
 * logged by chain and key *name* only; keys (which may sit in the path) never reach a log line.
 */
export function createServer(options: ServerOptions): {
  server: http.Server;
  closeClients(): void;
} {
  const { chains, keyring, cors, limits, metrics, logger } = options;
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxBodyBytes });

  // Slow or stalled clients are cut off instead of holding sockets forever.
  const server = http.createServer(
    {
      requestTimeout: limits.clientTimeoutMs,
      headersTimeout: Math.min(limits.clientTimeoutMs, 10_000),
      connectionsCheckingInterval: Math.min(limits.clientTimeoutMs, 1_000),
    },
    (request, response) => {
      serveHttp(request, response).catch((error: unknown) => {
        logger.error({ err: error }, "unexpected error while serving HTTP");
        if (!response.headersSent) {
          response.writeHead(500, JSON_HEADERS);
          response.end(
            serializeError(null, {
              code: rpcErrorCodes.internalError,
              message: "internal gateway error",
            }),
          );
        } else {
          response.destroy();
        }
      });
    },
  );
  server.timeout = limits.clientTimeoutMs;
  server.on("upgrade", (request, socket, head) => upgrade(request, socket, head));
  server.on("clientError", (_error, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n");
    else socket.destroy();
  });

  const heartbeat = setInterval(() => {
    for (const client of wss.clients) {
      const alive = client as typeof client & { alive?: boolean };
      if (alive.alive === false) {
        client.terminate();
        continue;
      }
      alive.alive = false;
      client.ping();
    }
  }, WS_HEARTBEAT_MS);
  heartbeat.unref();

  function authenticate(
    request: IncomingMessage,
    pathKey: string | undefined,
  ): { ok: true; key: ApiKeyEntry | undefined } | { ok: false } {
    if (!keyring.required) return { ok: true, key: undefined };
    const header = request.headers["x-api-key"];
    const presented = typeof header === "string" ? header : pathKey;
    const key = keyring.identify(presented);
    return key === undefined ? { ok: false } : { ok: true, key };
  }

  async function serveHttp(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? "/").split("?")[0] ?? "/";
    const allowOrigin = cors.allowOrigin(request.headers.origin);
    if (allowOrigin !== undefined) {
      response.setHeader("access-control-allow-origin", allowOrigin);
      response.setHeader("vary", "origin");
    }
    if (request.method === "OPTIONS") {
      if (allowOrigin !== undefined) {
        response.setHeader("access-control-allow-methods", "POST, GET, OPTIONS");
        response.setHeader("access-control-allow-headers", "content-type, x-api-key");
        response.setHeader("access-control-max-age", "600");
      }
      response.writeHead(204).end();
      return;
    }
    // Liveness (/healthz) answers 200 while the process serves, whatever the upstreams
    // do: restarting a gateway does not heal a node. Readiness (/readyz) is 503 until
    // every chain has a healthy upstream, so traffic goes elsewhere meanwhile.
    if (request.method === "GET" && (path === "/healthz" || path === "/readyz")) {
      const health = options.health();
      const status = path === "/healthz" || health.ok ? 200 : 503;
      response.writeHead(status, JSON_HEADERS).end(JSON.stringify(health.body));
      return;
    }
    if (request.method === "GET" && path === "/metrics") {
      const text = await metrics.registry.metrics();
      response.writeHead(200, { "content-type": metrics.registry.contentType }).end(text);
      return;
    }
    const route = parseRpcRoute(path);
    const served = route === undefined ? undefined : chains.get(route.chain);
    if (route === undefined || served === undefined) {
      const names = [...chains.keys()].join(", ");
      return reply(
        response,
        404,
        rpcErrorCodes.invalidRequest,
        `no such route; POST JSON-RPC to /<chain> (chains: ${names})`,
      );
    }
    if (request.method !== "POST") {
      response.setHeader("allow", "POST, OPTIONS");
      return reply(response, 405, rpcErrorCodes.invalidRequest, "JSON-RPC requests must use POST");
    }
    const auth = authenticate(request, route.key);
    if (!auth.ok) {
      return reply(
        response,
        401,
        rpcErrorCodes.serverError,
        "missing or unknown API key; send it in the x-api-key header or as /<chain>/<key>",
      );
    }
    const body = await readBody(request, limits.maxBodyBytes);
    if (!body.ok) {
      if (body.reason === "aborted") {
        response.destroy();
        return;
      }
      response.setHeader("connection", "close");
      response.on("finish", () => request.socket.destroy());
      const error = limitExceeded(
        `request body larger than ${limits.maxBodyBytes} bytes`,
      ).toObject();
      response.writeHead(413, JSON_HEADERS).end(serializeError(null, error));
      return;
    }
    const answer = await handleRpcBody(body.text, {
      chain: served.runtime,
      filters: served.filters,
      key: auth.key,
      limits,
      metrics,
    });
    if (answer.body === undefined) {
      response.writeHead(204).end();
      return;
    }
    response.writeHead(answer.rateLimited ? 429 : 200, JSON_HEADERS).end(answer.body);
  }

  function upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = (request.url ?? "/").split("?")[0] ?? "/";
    const route = parseRpcRoute(path);
    const served = route === undefined ? undefined : chains.get(route.chain);
    if (route === undefined || served === undefined) {
      refuseUpgrade(socket, 404, "Not Found");
      return;
    }
    const auth = authenticate(request, route.key);
    if (!auth.ok) {
      refuseUpgrade(socket, 401, "Unauthorized");
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      const alive = ws as typeof ws & { alive?: boolean };
      alive.alive = true;
      ws.on("pong", () => {
        alive.alive = true;
      });
      const support = served.runtime.adapter.subscriptions;
      startWsSession({
        socket: ws,
        body: {
          chain: served.runtime,
          filters: served.filters,
          key: auth.key,
          limits,
          metrics,
        },
        subscriptions:
          support !== undefined && served.feed !== undefined
            ? { support, feed: served.feed }
            : undefined,
        maxBufferedBytes: limits.wsMaxBufferedBytes,
        logger,
      });
    });
  }

  return {
    server,
    closeClients() {
      clearInterval(heartbeat);
      for (const client of wss.clients) client.terminate();
      wss.close();
    },
  };
}

function reply(response: ServerResponse, status: number, code: number, message: string): void {
  response.writeHead(status, JSON_HEADERS).end(serializeError(null, { code, message }));
}

function refuseUpgrade(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
}
