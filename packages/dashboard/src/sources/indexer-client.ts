/**
 * The indexer's REST API (packages/indexer), as the dashboard reads it. Every
 * call has a short timeout; an unreachable indexer is reported, not fatal, so
 * the pages degrade to what the chain RPC gives.
 */
import type { Abi } from "viem";

export interface IndexedTxSummary {
  hash: string;
  blockNumber: string;
  from: string;
  to: string | null;
  value: string;
  status?: string | number | null;
}

export interface IndexedEvent {
  blockNumber: string;
  txHash: string;
  logIndex: string | number;
  address: string;
  contract?: string | null;
  event?: string | null;
  args?: Record<string, unknown> | null;
}

export interface RegisteredContract {
  name: string;
  address: string;
  abi: Abi;
}

export interface IndexerStatus {
  chainId?: number | string;
  chainHead?: string | number;
  indexedHead?: string | number;
  lag?: string | number;
}

export interface IndexerClient {
  readonly url: string;
  status(): Promise<IndexerStatus>;
  latestTxs(limit: number): Promise<IndexedTxSummary[]>;
  address(address: string): Promise<{
    txs: IndexedTxSummary[];
    events: IndexedEvent[];
    contract?: { name: string };
  }>;
  contracts(): Promise<RegisteredContract[]>;
}

export class IndexerUnavailableError extends Error {
  override name = "IndexerUnavailableError";
}

export function createIndexerClient(url: string, timeoutMs = 3000): IndexerClient {
  const base = url.replace(/\/+$/, "");
  async function get<T>(path: string): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      throw new IndexerUnavailableError(`indexer at ${base} is unreachable: ${message(error)}`);
    }
    if (!response.ok) {
      const body = await response.text().catch(() => "");
      throw new IndexerUnavailableError(
        `indexer answered ${response.status} for ${path}${body === "" ? "" : `: ${body.slice(0, 200)}`}`,
      );
    }
    return (await response.json()) as T;
  }
  return {
    url: base,
    status: () => get<IndexerStatus>("/api/status"),
    async latestTxs(limit) {
      return (await get<{ txs: IndexedTxSummary[] }>(`/api/txs?limit=${limit}`)).txs ?? [];
    },
    async address(address) {
      const body = await get<{
        txs?: IndexedTxSummary[];
        events?: IndexedEvent[];
        contract?: { name: string };
      }>(`/api/addresses/${address.toLowerCase()}`);
      return {
        txs: body.txs ?? [],
        events: body.events ?? [],
        ...(body.contract === undefined || body.contract === null
          ? {}
          : { contract: body.contract }),
      };
    },
    async contracts() {
      const body = await get<{ contracts?: unknown[] } | unknown[]>("/api/contracts");
      const list = Array.isArray(body) ? body : (body.contracts ?? []);
      return list.flatMap((item) => {
        const c = item as { name?: unknown; address?: unknown; abi?: unknown };
        if (typeof c.name !== "string" || typeof c.address !== "string") return [];
        const abi = typeof c.abi === "string" ? safeJson(c.abi) : c.abi;
        return Array.isArray(abi) ? [{ name: c.name, address: c.address, abi: abi as Abi }] : [];
      });
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function message(error: unknown): string {
  const cause = (error as { cause?: { code?: string } }).cause?.code;
  return cause ?? (error as Error).message;
}
