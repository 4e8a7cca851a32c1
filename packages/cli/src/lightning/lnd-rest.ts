/**
 * lnd's REST API (the gRPC gateway) with the node's admin macaroon. The macaroon
 * only ever travels in the request header to the node on loopback: it is never
 * printed, logged or put into an error message.
 */
import { CryptoKubeError } from "@cryptokube/core";
import { type TlsRequest, tlsRequest, tlsStream } from "./tls-request.ts";

export interface LndRestOptions {
  /** The node's `rest` endpoint URL (https://127.0.0.1:port). */
  url: string;
  /** PEM of the node's tls.cert. */
  ca: Buffer;
  /** The admin macaroon's bytes; undefined before the wallet exists (only /v1/state works). */
  macaroon: Buffer | undefined;
  /** Component name, for errors. */
  name: string;
}

export interface LndRest {
  readonly name: string;
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body: unknown): Promise<T>;
  /** POST to a streaming endpoint; resolves with the first message `done` accepts. */
  stream<T>(
    path: string,
    body: unknown,
    done: (message: T) => boolean,
    timeoutMs: number,
  ): Promise<T>;
}

export function createLndRest(options: LndRestOptions): LndRest {
  const headers: Record<string, string> =
    options.macaroon === undefined
      ? {}
      : { "grpc-metadata-macaroon": options.macaroon.toString("hex") };
  const requestOf = (path: string, body: unknown, timeoutMs = 60_000): TlsRequest => ({
    url: new URL(path, options.url).toString(),
    ca: options.ca,
    headers,
    ...(body === undefined ? {} : { body, method: "POST" as const }),
    timeoutMs,
    what: `lnd ${options.name} REST ${path.split("?")[0]}`,
  });
  const parse = <T>(path: string, status: number, text: string): T => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw failure(path, status, text.trim().slice(0, 200));
    }
    if (status < 200 || status >= 300) throw failure(path, status, messageOf(parsed));
    return parsed as T;
  };
  const failure = (path: string, status: number, message: string): CryptoKubeError =>
    new CryptoKubeError(
      `lnd ${options.name}: ${path.split("?")[0]} failed (HTTP ${status}): ${message}`,
      {
        code: "LND_REQUEST_FAILED",
        retryable: status >= 500,
      },
    );
  return {
    name: options.name,
    async get<T>(path: string): Promise<T> {
      const answer = await tlsRequest(requestOf(path, undefined));
      return parse<T>(path, answer.status, answer.text);
    },
    async post<T>(path: string, body: unknown): Promise<T> {
      const answer = await tlsRequest(requestOf(path, body));
      return parse<T>(path, answer.status, answer.text);
    },
    async stream<T>(
      path: string,
      body: unknown,
      done: (message: T) => boolean,
      timeoutMs: number,
    ): Promise<T> {
      let last: T | undefined;
      let error: string | undefined;
      const answer = await tlsStream(requestOf(path, body, timeoutMs), (line) => {
        const parsed = JSON.parse(line) as { result?: T; error?: { message?: string } };
        if (parsed.error !== undefined) {
          error = parsed.error.message ?? JSON.stringify(parsed.error);
          return true;
        }
        last = parsed.result;
        return last !== undefined && done(last);
      });
      if (error !== undefined) throw failure(path, answer.status, error);
      if (last === undefined)
        throw failure(path, answer.status, "the stream ended without an answer");
      return last;
    },
  };
}

function messageOf(parsed: unknown): string {
  if (typeof parsed === "object" && parsed !== null) {
    const record = parsed as { message?: unknown; error?: unknown };
    if (typeof record.message === "string") return record.message;
    if (typeof record.error === "string") return record.error;
  }
  return JSON.stringify(parsed).slice(0, 200);
}
