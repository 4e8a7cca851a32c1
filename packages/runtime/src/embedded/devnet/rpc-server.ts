import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { WebSocket, WebSocketServer } from "ws";
import { listenHttp } from "../listen-http.ts";
import type { EmbeddedLogger } from "../logger.ts";
import { answerJsonRpcMessage } from "./json-rpc-envelope.ts";
import type { RpcConnection, RpcHandler } from "./rpc-handler.ts";

const MAX_BODY_BYTES = 16 * 1024 * 1024;

export interface RpcServer {
  port: number;
  close(): Promise<void>;
}

/** JSON-RPC over HTTP (POST) and WebSocket on the same port. */
export async function startRpcServer(options: {
  host: string;
  port: number;
  handler: RpcHandler;
  logger: EmbeddedLogger;
}): Promise<RpcServer> {
  const { handler, logger } = options;
  const server = createServer((request, response) => {
    serveHttp(request, response, handler).catch((error: unknown) => {
      logger.error({ err: error }, "devnet http request failed");
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  const sockets = new WebSocketServer({ server, path: "/", maxPayload: MAX_BODY_BYTES });
  sockets.on("connection", (socket) => serveWebSocket(socket, handler, logger));
  sockets.on("error", (error) => logger.warn({ err: error }, "devnet websocket server error"));

  const port = await listenHttp(server, {
    host: options.host,
    port: options.port,
    service: "devnet",
  });
  return {
    port,
    async close() {
      for (const socket of sockets.clients) socket.terminate();
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const CORS_HEADERS = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "POST, OPTIONS",
  "access-control-allow-headers": "content-type, authorization",
};

async function serveHttp(
  request: IncomingMessage,
  response: ServerResponse,
  handler: RpcHandler,
): Promise<void> {
  if (request.method === "OPTIONS") {
    response.writeHead(204, CORS_HEADERS).end();
    return;
  }
  if (request.method !== "POST") {
    sendJson(response, 405, {
      jsonrpc: "2.0",
      id: null,
      error: { code: -32600, message: "send JSON-RPC requests with POST" },
    });
    return;
  }
  const body = await readBody(request);
  if (body === undefined) {
    sendJson(response, 413, {
      jsonrpc: "2.0",
      id: null,
      error: { code: -32600, message: `request body larger than ${MAX_BODY_BYTES} bytes` },
    });
    request.resume();
    return;
  }
  const answer = await answerJsonRpcMessage(body, handler, {});
  if (answer === undefined) response.writeHead(204, CORS_HEADERS).end();
  else sendJson(response, 200, answer);
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  response
    .writeHead(status, {
      ...CORS_HEADERS,
      "content-type": "application/json",
      "content-length": Buffer.byteLength(text),
    })
    .end(text);
}

/** The body as text, or undefined when it exceeds the size limit. */
async function readBody(request: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function serveWebSocket(socket: WebSocket, handler: RpcHandler, logger: EmbeddedLogger): void {
  const send = (text: string): void => {
    if (socket.readyState === WebSocket.OPEN) socket.send(text);
  };
  const connection: RpcConnection = {
    subscriber: {
      owned: new Set(),
      notify(subscription, result) {
        send(
          JSON.stringify({
            jsonrpc: "2.0",
            method: "eth_subscription",
            params: { subscription, result },
          }),
        );
      },
    },
  };
  socket.on("message", (data) => {
    const text = Array.isArray(data)
      ? Buffer.concat(data).toString("utf8")
      : Buffer.from(data as ArrayBuffer).toString("utf8");
    answerJsonRpcMessage(text, handler, connection)
      .then((answer) => {
        if (answer !== undefined) send(answer);
      })
      .catch((error: unknown) => logger.error({ err: error }, "devnet websocket message failed"));
  });
  socket.on("error", (error) => logger.warn({ err: error }, "devnet websocket connection error"));
  socket.on("close", () => {
    handler.release(connection).catch(() => undefined);
  });
}
