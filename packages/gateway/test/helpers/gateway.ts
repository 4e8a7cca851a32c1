import type { TestContext } from "node:test";
import type { Devnet } from "@cryptokube/runtime/devnet";
import { createGateway, type Gateway, type GatewayConfigInput } from "../../src/index.ts";

export type GatewayOverrides = Partial<Omit<GatewayConfigInput, "chains">> & {
  chainId?: number;
  upstreamNames?: string[];
  /** How the gateway calls the devnets (default: the gateway's, WebSocket). */
  calls?: "ws" | "http";
};

/** A gateway on a random loopback port in front of the given devnets as chain "eth". */
export async function startGateway(
  t: TestContext,
  devnets: readonly Devnet[],
  overrides: GatewayOverrides = {},
): Promise<{ gateway: Gateway; url: string; rpcUrl: string }> {
  const { chainId, upstreamNames, calls, ...rest } = overrides;
  const config: GatewayConfigInput = {
    host: "127.0.0.1",
    port: 0,
    maxLag: 3,
    cache: { maxBytes: 8 * 1024 * 1024, finalityDepth: 2 },
    apiKeys: [],
    chains: [
      {
        name: "eth",
        type: "ethereum",
        ...(chainId === undefined ? {} : { chainId }),
        upstreams: devnets.map((d, i) => ({
          name: upstreamNames?.[i] ?? `node${i}`,
          http: d.url,
          ws: d.wsUrl,
          ...(calls === undefined ? {} : { calls }),
        })),
      },
    ],
    ...rest,
    limits: { probeIntervalMs: 100, probeTimeoutMs: 500, upstreamTimeoutMs: 3_000, ...rest.limits },
  };
  const gateway = createGateway(config);
  t.after(() => gateway.close());
  const { url } = await gateway.listen();
  return { gateway, url, rpcUrl: `${url}/eth` };
}

export interface RpcReply {
  status: number;
  body: unknown;
}

/** POSTs a raw body (any text) and returns status and parsed JSON body (or the text). */
export async function postRaw(
  url: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<RpcReply> {
  const response = await fetch(url, {
    method: "POST",
    body,
    headers: { "content-type": "application/json", ...headers },
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {}
  return { status: response.status, body: parsed };
}

export async function rpc(
  url: string,
  method: string,
  params: unknown[] = [],
  headers: Record<string, string> = {},
): Promise<{
  status: number;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}> {
  const reply = await postRaw(
    url,
    JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    headers,
  );
  const body = reply.body as { result?: unknown; error?: { code: number; message: string } };
  return { status: reply.status, ...body };
}

/** Resolves when `check` returns true, polling every 20 ms; fails after `timeoutMs`. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    if (await check()) return performance.now() - started;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** The value of one sample in Prometheus text, matching all given labels. */
export function metricValue(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number {
  let total = 0;
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) {
      total += Number(line.slice(line.lastIndexOf(" ") + 1));
    }
  }
  return total;
}
