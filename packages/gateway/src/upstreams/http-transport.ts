import http from "node:http";
import https from "node:https";
import {
  awaitReply,
  batchable,
  decodeReply,
  type Settle,
  type UpstreamReply,
  type UpstreamTransport,
  UpstreamTransportError,
} from "./upstream-transport.ts";

export interface HttpTransportOptions {
  /** Upstream name, used in error messages instead of the URL. */
  name: string;
  url: string;
  maxSockets?: number;
  /**
   * Calls made in the same event-loop turn go upstream as one JSON-RPC batch of up to this many
   * (1 sends every call on its own). On loopback and in-cluster networks the cost of a proxied
   * call is mostly per HTTP exchange (syscalls, parsing), on the gateway and on the node alike,
   * so coalescing concurrent calls is what lets the gateway keep up with its upstream.
   */
  batchSize?: number;
  /** Told the number of calls of every HTTP exchange (metrics). */
  onExchange?(calls: number): void;
  /** Called once when the upstream refused a batch and the transport stopped batching. */
  onBatchesRefused?(): void;
}

interface QueuedCall {
  id: number;
  body: string;
  method: string;
  timeoutMs: number;
  settle: Settle;
}

/** JSON-RPC over HTTP(S) with a keep-alive connection pool per upstream. */
export function createHttpTransport(options: HttpTransportOptions): UpstreamTransport {
  const url = new URL(options.url);
  const secure = url.protocol === "https:";
  const module = secure ? https : http;
  const agent = new module.Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 128 });
  const path = `${url.pathname}${url.search}`;
  const auth =
    url.username === ""
      ? undefined
      : `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  let batchSize = options.batchSize ?? 1;
  let nextId = 0;
  let queue: QueuedCall[] = [];
  let flushScheduled = false;

  const failure = (reason: string, cause?: unknown) =>
    new UpstreamTransportError(options.name, reason, cause);

  /** One HTTP exchange; resolves with the status and body text. */
  function post(body: string, timeoutMs: number, what: string) {
    return new Promise<{ status: number; text: string }>((resolve, reject) => {
      const fail = (reason: string, cause?: unknown) => {
        clearTimeout(timer);
        reject(failure(reason, cause));
      };
      const request = module.request(
        {
          agent,
          hostname: url.hostname,
          port: url.port,
          path,
          method: "POST",
          ...(auth === undefined ? {} : { auth }),
          headers: {
            "content-type": "application/json",
            "content-length": Buffer.byteLength(body),
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("error", (error) => fail(`response stream failed (${error.message})`, error));
          response.on("end", () => {
            clearTimeout(timer);
            resolve({
              status: response.statusCode ?? 0,
              text: Buffer.concat(chunks).toString("utf8"),
            });
          });
        },
      );
      const timer = setTimeout(() => {
        request.destroy();
        fail(`no answer within ${timeoutMs} ms to ${what}`);
      }, timeoutMs);
      request.on("error", (error: NodeJS.ErrnoException) =>
        fail(error.code ?? error.message, error),
      );
      request.end(body);
    });
  }

  function replyFrom(
    status: number,
    value: unknown,
    text?: string,
  ): UpstreamReply | UpstreamTransportError {
    const reply = decodeReply(value, text);
    if (reply !== undefined && (status === 200 || "error" in reply)) return reply;
    return failure(`HTTP ${status || "?"} without a JSON-RPC answer`);
  }

  async function sendAlone(call: QueuedCall): Promise<void> {
    options.onExchange?.(1);
    try {
      const { status, text } = await post(call.body, call.timeoutMs, call.method);
      call.settle(replyFrom(status, parseJson(text), text));
    } catch (error) {
      call.settle(error as UpstreamTransportError);
    }
  }

  async function sendBatch(calls: QueuedCall[]): Promise<void> {
    const timeoutMs = Math.max(...calls.map((c) => c.timeoutMs));
    options.onExchange?.(calls.length);
    let answer: { status: number; text: string };
    try {
      answer = await post(`[${calls.map((c) => c.body).join(",")}]`, timeoutMs, "a batch");
    } catch (error) {
      for (const call of calls) call.settle(error as UpstreamTransportError);
      return;
    }
    const value = parseJson(answer.text);
    if (!Array.isArray(value)) {
      // An upstream that refuses batches (some providers do) answers with one JSON-RPC error
      // object: stop batching for it and send these calls one by one. Anything else (a proxy's
      // 502, a node shutting down) fails the calls as a transport error, to be retried.
      if (answer.status >= 500 || decodeReply(value) === undefined) {
        const error = failure(`HTTP ${answer.status} without a JSON-RPC answer to a batch`);
        for (const call of calls) call.settle(error);
        return;
      }
      if (batchSize > 1) options.onBatchesRefused?.();
      batchSize = 1;
      for (const call of calls) void sendAlone(call);
      return;
    }
    const byId = new Map<unknown, unknown>();
    for (const item of value) {
      if (typeof item === "object" && item !== null) byId.set((item as { id?: unknown }).id, item);
    }
    for (const call of calls) {
      const item = byId.get(call.id);
      call.settle(
        item === undefined
          ? failure(`batch answer without a reply to ${call.method}`)
          : replyFrom(answer.status, item),
      );
    }
  }

  function flush(): void {
    flushScheduled = false;
    const calls = queue;
    queue = [];
    if (calls.length === 1) void sendAlone(calls[0]!);
    else if (calls.length > 1) void sendBatch(calls);
  }

  function call(method: string, params: unknown, timeoutMs: number): Promise<UpstreamReply> {
    const id = ++nextId;
    const body = JSON.stringify({ jsonrpc: "2.0", id, method, params: params ?? [] });
    return awaitReply(options.name, method, timeoutMs, (settle) => {
      const queued: QueuedCall = { id, body, method, timeoutMs, settle };
      if (batchSize <= 1 || !batchable(method)) {
        void sendAlone(queued);
        return;
      }
      queue.push(queued);
      if (queue.length >= batchSize) flush();
      else if (!flushScheduled) {
        flushScheduled = true;
        // setImmediate runs after the current poll phase, so every call made while handling
        // the requests that arrived together joins the same batch.
        setImmediate(flush);
      }
    });
  }

  return { call, close: () => agent.destroy() };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
