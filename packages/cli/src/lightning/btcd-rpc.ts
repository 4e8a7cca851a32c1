/** JSON-RPC to btcd over TLS with basic auth (its only mode); one call per request. */
import { CryptoKubeError } from "@cryptokube/core";
import { tlsRequest } from "./tls-request.ts";

export interface BtcdRpcOptions {
  /** The chain component's `rpc` endpoint URL (https://127.0.0.1:port). */
  url: string;
  user: string;
  password: string;
  /** PEM of btcd's RPC certificate. */
  ca: Buffer;
  /** Component name, for errors. */
  name: string;
  timeoutMs?: number;
}

export interface BtcdRpc {
  call<T>(method: string, params?: unknown[]): Promise<T>;
}

export function createBtcdRpc(options: BtcdRpcOptions): BtcdRpc {
  const authorization = `Basic ${Buffer.from(`${options.user}:${options.password}`).toString("base64")}`;
  let id = 0;
  return {
    async call<T>(method: string, params: unknown[] = []): Promise<T> {
      id += 1;
      const answer = await tlsRequest({
        url: options.url,
        ca: options.ca,
        method: "POST",
        headers: { authorization },
        body: { jsonrpc: "1.0", id, method, params },
        timeoutMs: options.timeoutMs ?? 30_000,
        what: `btcd ${options.name} RPC ${method}`,
      });
      let parsed: { result?: T; error?: { code?: number; message?: string } | null };
      try {
        parsed = JSON.parse(answer.text) as typeof parsed;
      } catch {
        throw new CryptoKubeError(
          `btcd ${options.name} RPC ${method} answered HTTP ${answer.status}: ${answer.text.trim().slice(0, 200)}`,
          {
            code: "BTCD_RPC_FAILED",
            ...(answer.status === 401
              ? { hint: "the RPC user/password in the plan do not match the running btcd" }
              : {}),
          },
        );
      }
      if (parsed.error !== undefined && parsed.error !== null) {
        throw new CryptoKubeError(
          `btcd ${options.name} RPC ${method} failed: ${parsed.error.message ?? "unknown error"} (code ${parsed.error.code ?? "?"})`,
          { code: "BTCD_RPC_FAILED" },
        );
      }
      return parsed.result as T;
    },
  };
}
