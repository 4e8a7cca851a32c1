/**
 * Kubo RPC (the embedded Helia node speaks the same subset): add with pin,
 * list pins, and content through the node's HTTP gateway.
 */
import { HttpError } from "../http/http-error.ts";

export interface IpfsClient {
  add(file: Blob, name: string): Promise<{ cid: string; size: string }>;
  pins(): Promise<string[]>;
  /** The gateway's answer for /ipfs/<path>, to stream back. */
  fetchContent(path: string): Promise<Response>;
}

export function createIpfsClient(api: string, gateway: string, timeoutMs = 30_000): IpfsClient {
  const apiBase = api.replace(/\/+$/, "");
  const gatewayBase = gateway.replace(/\/+$/, "");
  async function rpc(path: string, init: RequestInit = {}): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(`${apiBase}/api/v0/${path}`, {
        method: "POST",
        signal: AbortSignal.timeout(timeoutMs),
        ...init,
      });
    } catch (error) {
      throw new HttpError(502, "IPFS unavailable", `the IPFS node at ${apiBase} is unreachable`, {
        cause: error,
      });
    }
    if (!response.ok) {
      const text = await response.text().catch(() => "");
      throw new HttpError(
        502,
        "IPFS error",
        `the IPFS node answered ${response.status} to ${path.split("?")[0]}: ${text.slice(0, 300)}`,
      );
    }
    return response;
  }
  return {
    async add(file, name) {
      const form = new FormData();
      form.append("file", file, name);
      const response = await rpc("add?pin=true&cid-version=1", { body: form });
      const text = await response.text();
      // Kubo streams one JSON object per line; the last one is the root.
      const lines = text.trim().split("\n").filter(Boolean);
      const last = JSON.parse(lines.at(-1) ?? "{}") as { Hash?: string; Size?: string };
      if (last.Hash === undefined) {
        throw new HttpError(502, "IPFS error", "the IPFS node did not return a CID for the file");
      }
      return { cid: last.Hash, size: String(last.Size ?? file.size) };
    },
    async pins() {
      const response = await rpc("pin/ls?type=recursive");
      const body = (await response.json()) as { Keys?: Record<string, unknown> };
      return Object.keys(body.Keys ?? {}).sort();
    },
    async fetchContent(path) {
      try {
        return await fetch(`${gatewayBase}/ipfs/${path}`, {
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        throw new HttpError(
          502,
          "IPFS unavailable",
          `the IPFS gateway at ${gatewayBase} is unreachable`,
          { cause: error },
        );
      }
    },
  };
}
