import type { Socket } from "node:net";
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
  /** Told the number of calls of every write to the socket (metrics). */
  onExchange?(calls: number): void;
}

/** A call from the moment it is made until it is answered, timed out or failed. */
interface QueuedCall {
  id: number;
  method: string;
  settle: Settle;
  body: string;
  timedOut: boolean;
  sentOn?: Connection;
}

/**
 * JSON-RPC over one persistent WebSocket per upstream, for upstreams that have a ws URL.
 * A call is one small frame each way, where over HTTP it is a request and a response with
 * their headers on both sides: on loopback and in-cluster networks that exchange, not the
 * node's work, is most of what a forwarded call costs the gateway and the node.
 *
 * Calls made in the same event-loop turn leave in one write to the socket (a frame each, so the
 * node answers each as soon as it is done, unlike a batch): on a VM, the write and the wakeup
 * of the reader it causes cost more than framing and parsing the call.
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
  let queue: QueuedCall[] = [];
  let flushScheduled = false;

  const failure = (reason: string, cause?: unknown) =>
    new UpstreamTransportError(options.name, reason, cause);

  function onMessage(pending: Connection["pending"], data: WebSocket.RawData): void {
    const text = data.toString();
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return; // not JSON-RPC: nothing waits for it
    }
    const single = !Array.isArray(value);
    for (const item of single ? [value] : (value as unknown[])) {
      if (typeof item !== "object" || item === null) continue;
      const id = (item as { id?: unknown }).id;
      const call = typeof id === "number" ? pending.get(id) : undefined;
      if (call === undefined) continue; // a subscription notice, or an answer after its timeout
      pending.delete(id as number);
      const reply = decodeReply(item, single ? text : undefined);
      call.settle(reply ?? failure(`an answer to ${call.method} that is not JSON-RPC`));
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
      ws.once("upgrade", (response) => {
        connection.socket = response.socket;
      });
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
    const connection: Connection = { ws, pending, opened, socket: undefined };
    current = connection;
    return opened;
  }

  /** Sends the calls of one turn on an open connection, all in one write. */
  function sendOn(connection: Connection, calls: readonly QueuedCall[]): void {
    const live = calls.filter((c) => !c.timedOut);
    if (live.length === 0) return;
    options.onExchange?.(live.length);
    connection.socket?.cork();
    for (const call of live) {
      call.sentOn = connection;
      connection.pending.set(call.id, call);
      // A failed write closes the socket, and the close fails the calls sent on it.
      connection.ws.send(call.body);
    }
    connection.socket?.uncork();
  }

  function flush(): void {
    flushScheduled = false;
    const calls = queue;
    queue = [];
    if (current?.ws.readyState === WebSocket.OPEN) {
      sendOn(current, calls);
      return;
    }
    connect().then(
      (connection) => sendOn(connection, calls),
      (error: UpstreamTransportError) => {
        for (const call of calls) call.settle(error);
      },
    );
  }

  function call(method: string, params: unknown, timeoutMs: number): Promise<UpstreamReply> {
    if (closed) return Promise.reject(failure("transport closed"));
    const id = ++nextId;
    const body = JSON.stringify({ jsonrpc: "2.0", id, method, params: params ?? [] });
    let queued: QueuedCall | undefined;
    return awaitReply(
      options.name,
      method,
      timeoutMs,
      (settle) => {
        queued = { id, method, body, settle, timedOut: false };
        queue.push(queued);
        if (!flushScheduled) {
          flushScheduled = true;
          // setImmediate runs after the current poll phase, so the calls made while handling
          // the requests that arrived together leave together.
          setImmediate(flush);
        }
      },
      () => {
        if (queued === undefined) return;
        queued.timedOut = true;
        queued.sentOn?.pending.delete(id);
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
  pending: Map<number, QueuedCall>;
  opened: Promise<Connection>;
  /** The TCP (or TLS) socket under the WebSocket, once the handshake answered: corked per turn. */
  socket: Socket | undefined;
}
