import { WebSocket } from "ws";
import {
  decodeReply,
  type UpstreamReply,
  type UpstreamTransport,
  UpstreamTransportError,
} from "./http-transport.ts";

export interface WsTransportOptions {
  /** Upstream name, used in error messages instead of the URL. */
  name: string;
  url: string;
  /** After a failed connection attempt, calls fail at once for this long before the next. */
  reconnectDelayMs?: number;
  /** A connection not open by then (a server that accepts and never answers) has failed. */
  connectTimeoutMs?: number;
  /** Told the number of calls of every frame sent (metrics; always 1). */
  onExchange?(calls: number): void;
}

interface PendingCall {
  method: string;
  settle(outcome: UpstreamReply | UpstreamTransportError): void;
}

/**
 * JSON-RPC over one persistent WebSocket per upstream, for upstreams that have a ws URL.
 * A call is one small frame each way, where over HTTP it is a request and a response with
 * their headers on both sides: on loopback and in-cluster networks that exchange, not the
 * node's work, is most of what a forwarded call costs the gateway and the node.
 *
 * Calls carry the transport's own ids, so answers are matched whatever ids clients used.
 * When the connection drops, every call waiting on it fails as a transport error (retried on
 * another upstream by the pool) and the next call connects again.
 */
export function createWsTransport(options: WsTransportOptions): UpstreamTransport {
  const reconnectDelayMs = options.reconnectDelayMs ?? 500;
  const pending = new Map<number, PendingCall>();
  let nextId = 0;
  let socket: WebSocket | undefined;
  let opened: Promise<WebSocket> | undefined;
  let failedUntil = 0;
  let lastFailure = "";
  let closed = false;

  const failure = (reason: string, cause?: unknown) =>
    new UpstreamTransportError(options.name, reason, cause);

  function failAll(reason: string): void {
    const error = failure(reason);
    for (const call of pending.values()) call.settle(error);
    pending.clear();
  }

  function onMessage(data: WebSocket.RawData): void {
    let value: unknown;
    try {
      value = JSON.parse(data.toString());
    } catch {
      return; // not JSON-RPC: nothing waits for it
    }
    for (const item of Array.isArray(value) ? value : [value]) {
      if (typeof item !== "object" || item === null) continue;
      const id = (item as { id?: unknown }).id;
      const call = typeof id === "number" ? pending.get(id) : undefined;
      if (call === undefined) continue; // a subscription notice, or an answer after its timeout
      pending.delete(id as number);
      call.settle(decodeReply(item) ?? failure(`an answer to ${call.method} that is not JSON-RPC`));
    }
  }

  function connect(): Promise<WebSocket> {
    if (socket?.readyState === WebSocket.OPEN) return Promise.resolve(socket);
    if (opened !== undefined) return opened;
    if (Date.now() < failedUntil) return Promise.reject(failure(lastFailure));
    const attempt = new WebSocket(options.url, {
      perMessageDeflate: false,
      handshakeTimeout: options.connectTimeoutMs ?? 5_000,
    });
    opened = new Promise<WebSocket>((resolve, reject) => {
      attempt.once("open", () => {
        socket = attempt;
        opened = undefined;
        resolve(attempt);
      });
      attempt.on("message", onMessage);
      attempt.on("error", (error: NodeJS.ErrnoException) => {
        lastFailure = error.code ?? error.message;
        if (socket !== attempt) {
          opened = undefined;
          failedUntil = Date.now() + reconnectDelayMs;
          reject(failure(lastFailure, error));
        }
      });
      attempt.once("close", (code) => {
        if (socket === attempt) socket = undefined;
        failAll(`connection closed (${lastFailure || `code ${code}`})`);
        lastFailure = "";
      });
    });
    opened.catch(() => {});
    return opened;
  }

  function call(method: string, params: unknown, timeoutMs: number): Promise<UpstreamReply> {
    if (closed) return Promise.reject(failure("transport closed"));
    const id = ++nextId;
    const body = JSON.stringify({ jsonrpc: "2.0", id, method, params: params ?? [] });
    return new Promise<UpstreamReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        settle(failure(`no answer within ${timeoutMs} ms to ${method}`));
      }, timeoutMs);
      let settled = false;
      const settle = (outcome: UpstreamReply | UpstreamTransportError) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (outcome instanceof UpstreamTransportError) reject(outcome);
        else resolve(outcome);
      };
      pending.set(id, { method, settle });
      // Each call is its own frame: frames cost little, and batches would make cheap calls
      // wait for the slowest of them (and some nodes refuse batches).
      const send = (open: WebSocket) => {
        if (!pending.has(id)) return; // timed out while connecting
        options.onExchange?.(1);
        // A failed write closes the socket, and the close fails every pending call.
        open.send(body);
      };
      if (socket?.readyState === WebSocket.OPEN) send(socket);
      else {
        connect().then(send, (error: UpstreamTransportError) => {
          pending.delete(id);
          settle(error);
        });
      }
    });
  }

  return {
    call,
    close() {
      closed = true;
      socket?.terminate();
      failAll("transport closed");
    },
  };
}
