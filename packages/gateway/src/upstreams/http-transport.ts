import http from "node:http";
import https from "node:https";
import { CryptoKubeError } from "@cryptokube/core";
import type { JsonRpcErrorObject } from "../rpc/types.ts";

/** What an upstream answered: a result or a JSON-RPC error object. */
export type UpstreamReply = { result: unknown } | { error: JsonRpcErrorObject };

export interface UpstreamTransport {
  /** Resolves with the upstream's reply; rejects with UpstreamTransportError when none came. */
  call(method: string, params: unknown, timeoutMs: number): Promise<UpstreamReply>;
  close(): void;
}

/**
 * The upstream could not be reached or answered something that is not JSON-RPC. Always
 * retryable on another upstream. The message names the upstream, never its URL (URLs of hosted
 * providers often embed an API key).
 */
export class UpstreamTransportError extends CryptoKubeError {
  override name = "UpstreamTransportError";
  constructor(upstream: string, reason: string, cause?: unknown) {
    super(`upstream "${upstream}" failed: ${reason}`, {
      code: "GATEWAY_UPSTREAM_UNREACHABLE",
      retryable: true,
      cause,
    });
  }
}

export interface HttpTransportOptions {
  /** Upstream name, used in error messages instead of the URL. */
  name: string;
  url: string;
  maxSockets?: number;
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
  let nextId = 0;

  function call(method: string, params: unknown, timeoutMs: number): Promise<UpstreamReply> {
    const id = ++nextId;
    const body = JSON.stringify({ jsonrpc: "2.0", id, method, params: params ?? [] });
    return new Promise<UpstreamReply>((resolve, reject) => {
      const fail = (reason: string, cause?: unknown) => {
        clearTimeout(timer);
        reject(new UpstreamTransportError(options.name, reason, cause));
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
            const reply = decodeReply(Buffer.concat(chunks).toString("utf8"));
            if (reply !== undefined && (response.statusCode === 200 || "error" in reply)) {
              resolve(reply);
            } else {
              reject(
                new UpstreamTransportError(
                  options.name,
                  `HTTP ${response.statusCode ?? "?"} without a JSON-RPC answer`,
                ),
              );
            }
          });
        },
      );
      const timer = setTimeout(() => {
        request.destroy();
        fail(`no answer within ${timeoutMs} ms to ${method}`);
      }, timeoutMs);
      request.on("error", (error: NodeJS.ErrnoException) =>
        fail(error.code ?? error.message, error),
      );
      request.end(body);
    });
  }

  return { call, close: () => agent.destroy() };
}

function decodeReply(text: string): UpstreamReply | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const record = value as Record<string, unknown>;
  const error = record.error;
  if (typeof error === "object" && error !== null) {
    const e = error as Record<string, unknown>;
    const code = typeof e.code === "number" ? e.code : -32603;
    const message = typeof e.message === "string" ? e.message : "upstream error";
    return e.data === undefined
      ? { error: { code, message } }
      : { error: { code, message, data: e.data } };
  }
  if ("result" in record) return { result: record.result };
  return undefined;
}
