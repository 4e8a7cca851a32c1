import type { IncomingMessage, ServerResponse } from "node:http";
import { KuboApiError } from "./kubo-error.ts";
import type { NodeIdentity } from "./node-identity.ts";
import type { HeliaRepo } from "./open-helia-repo.ts";

/** Everything one Kubo RPC command needs to answer a request. */
export interface RpcContext {
  repo: HeliaRepo;
  identity: NodeIdentity;
  query: URLSearchParams;
  request: IncomingMessage;
  response: ServerResponse;
}

export type RpcCommand = (context: RpcContext) => Promise<void>;

export function sendJson(response: ServerResponse, body: unknown, status = 200): void {
  const text = `${JSON.stringify(body)}\n`;
  response
    .writeHead(status, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(text),
    })
    .end(text);
}

/** Kubo's streaming JSON answer: one JSON document per line. */
export function sendNdjson(response: ServerResponse, lines: unknown[]): void {
  const text = lines.map((line) => `${JSON.stringify(line)}\n`).join("");
  response
    .writeHead(200, {
      "content-type": "application/json",
      "x-chunked-output": "1",
      "content-length": Buffer.byteLength(text),
    })
    .end(text);
}

/** The `arg` values, or a Kubo client error naming the missing argument. */
export function requireArgs(query: URLSearchParams, argumentName: string): string[] {
  const values = query.getAll("arg");
  if (values.length === 0) {
    throw new KuboApiError(`argument "${argumentName}" is required`, "client");
  }
  return values;
}

export function booleanOption(query: URLSearchParams, name: string, fallback: boolean): boolean {
  const value = query.get(name);
  if (value === null) return fallback;
  if (value === "" || value === "true" || value === "1") return true;
  if (value === "false" || value === "0") return false;
  throw new KuboApiError(`option "${name}": invalid boolean "${value}"`, "client");
}

export function integerOption(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name);
  if (value === null) return undefined;
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number < 0) {
    throw new KuboApiError(
      `option "${name}": expected a non-negative integer, got "${value}"`,
      "client",
    );
  }
  return number;
}
