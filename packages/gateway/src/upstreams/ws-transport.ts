import { WebSocket } from "ws";
import {
  awaitReply,
  decodeReply,
  type Settle,
  type UpstreamReply,
  type UpstreamTransport,
  UpstreamTransportError,
} from "./upstream-transport.ts";

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
  settle: Settle;
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
  let nextId = 0;
  /** The newest connection, open or opening; an older one closing fails only its own calls. */
  let current: Connection | undefined;
  let failedUntil = 0;
  let lastFailure = "";
  let closed = false;

  const failure = (reason: string, cause?: unknown) =>
    new UpstreamTransportError(options.name, reason, cause);

  function onMessage(pending: Connection["pending"], data: WebSocket.RawData): void {
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

  function connect(): Promise<Connection> {
    const state = current?.ws.readyState;
    if (current !== undefined && (state === WebSocket.OPEN || state === WebSocket.CONNECTING)) {
      return current.opened;
    }
    if (Date.now() < failedUntil) return Promise.reject(failure(lastFailure));
    const ws = new WebSocket(options.url, {
      perMessageDeflate: false,
      handshakeTimeout: options.connectTimeoutMs ?? 5_000,
    });
    const pending: Connection["pending"] = new Map();
    let reason = "";
    const opened = new Promise<Connection>((resolve, reject) => {
      ws.once("open", () => resolve(connection));
      ws.on("message", (data) => onMessage(pending, data));
      ws.on("error", (error: NodeJS.ErrnoException) => {
        reason = error.code ?? error.message;
        if (ws.readyState === WebSocket.OPEN) return; // the close that follows fails its calls
        lastFailure = reason;
        failedUntil = Date.now() + reconnectDelayMs;
        reject(failure(reason, error));
      });
      ws.once("close", (code) => {
        const error = failure(`connection closed (${reason || `code ${code}`})`);
        reject(error);
        for (const call of pending.values()) call.settle(error);
        pending.clear();
      });
    });
    opened.catch(() => {});
    const connection: Connection = { ws, pending, opened };
    current = connection;
    return opened;
  }

  function call(method: string, params: unknown, timeoutMs: number): Promise<UpstreamReply> {
    if (closed) return Promise.reject(failure("transport closed"));
    const id = ++nextId;
    const body = JSON.stringify({ jsonrpc: "2.0", id, method, params: params ?? [] });
    let sentOn: Connection | undefined;
    let timedOut = false;
    return awaitReply(
      options.name,
      method,
      timeoutMs,
      (settle) => {
        // Each call is its own frame: frames cost little, and batches would make cheap calls
        // wait for the slowest of them (and some nodes refuse batches).
        const send = (connection: Connection) => {
          if (timedOut) return;
          sentOn = connection;
          connection.pending.set(id, { method, settle });
          options.onExchange?.(1);
          // A failed write closes the socket, and the close fails the calls sent on it.
          connection.ws.send(body);
        };
        if (current?.ws.readyState === WebSocket.OPEN) send(current);
        else connect().then(send, settle);
      },
      () => {
        timedOut = true;
        sentOn?.pending.delete(id);
      },
    );
  }

  return {
    call,
    close() {
      closed = true;
      current?.ws.terminate();
    },
  };
}

interface Connection {
  ws: WebSocket;
  /** Calls sent on this connection, by id, until answered. */
  pending: Map<number, PendingCall>;
  opened: Promise<Connection>;
}
