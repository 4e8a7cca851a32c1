/**
 * One HTTPS request to a node on loopback that presents its own self-signed
 * certificate (btcd's RPC, lnd's REST): the certificate file is the only CA
 * trusted, so nothing else can answer in its place. No connection pooling: the
 * CLI must exit as soon as it is done.
 */
import { request } from "node:https";
import { CryptoKubeError } from "@cryptokube/core";

export interface TlsRequest {
  url: string;
  /** PEM of the certificate the server must present. */
  ca: Buffer;
  method?: "GET" | "POST" | "DELETE";
  headers?: Record<string, string>;
  body?: unknown;
  timeoutMs: number;
  /** What the request is for, in errors ("lnd btc-ln-1 REST"). */
  what: string;
}

export interface TlsAnswer {
  status: number;
  text: string;
}

export function tlsRequest(options: TlsRequest): Promise<TlsAnswer> {
  return tlsStream(options, () => false);
}

/**
 * Like tlsRequest, for endpoints that answer with a stream of JSON lines: `onLine`
 * sees each complete line and returns true to stop reading early.
 */
export function tlsStream(
  options: TlsRequest,
  onLine: (line: string) => boolean,
): Promise<TlsAnswer> {
  const url = new URL(options.url);
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const fail = (error: Error): void =>
      reject(
        new CryptoKubeError(`${options.what} at ${url.origin}: ${error.message}`, {
          code: "NODE_UNREACHABLE",
          retryable: true,
          hint: "is the stack running? `cryptokube status` shows its components",
          cause: error,
        }),
      );
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: `${url.pathname}${url.search}`,
        method: options.method ?? (body === undefined ? "GET" : "POST"),
        ca: options.ca,
        agent: false,
        headers: {
          ...(body === undefined ? {} : { "content-type": "application/json" }),
          ...options.headers,
        },
      },
      (res) => {
        let text = "";
        let pending = "";
        let stopped = false;
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          text += chunk;
          pending += chunk;
          let newline = pending.indexOf("\n");
          while (newline >= 0 && !stopped) {
            const line = pending.slice(0, newline).trim();
            pending = pending.slice(newline + 1);
            if (line !== "" && onLine(line)) {
              stopped = true;
              resolve({ status: res.statusCode ?? 0, text });
              req.destroy();
            }
            newline = pending.indexOf("\n");
          }
        });
        res.on("end", () => {
          if (!stopped && pending.trim() !== "") onLine(pending.trim());
          if (!stopped) resolve({ status: res.statusCode ?? 0, text });
        });
        res.on("error", fail);
      },
    );
    req.setTimeout(options.timeoutMs, () =>
      req.destroy(new Error(`no answer within ${Math.round(options.timeoutMs / 1000)}s`)),
    );
    // After an early stop the promise is settled: the error of destroying the request is moot.
    req.on("error", fail);
    req.end(body);
  });
}
