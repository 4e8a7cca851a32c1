import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { IndexerConfigInput } from "../../src/config/schema.ts";
import { createIndexer, type Indexer, type IndexerOptions } from "../../src/create-indexer.ts";
import { waitFor } from "./wait-for.ts";

export const FAST_TUNING = {
  pollIntervalMs: 50,
  retryBaseMs: 50,
  retryMaxMs: 400,
  deliveryTimeoutMs: 500,
  artifactScanMs: 100,
} as const;

export function tempDir(t: { after(fn: () => void): void }, prefix = "ck-indexer-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A temp data dir for PGlite; the indexer seeds it from the per-machine template. */
export async function pgliteDataDir(t: { after(fn: () => void): void }): Promise<string> {
  return tempDir(t);
}

export function indexerConfig(
  rpc: string,
  dataDir: string,
  extra: Partial<IndexerConfigInput> = {},
): IndexerConfigInput {
  return {
    host: "127.0.0.1",
    port: 0,
    chain: { name: "eth", rpc },
    startBlock: 0,
    contracts: [],
    database: { kind: "pglite", dataDir },
    ...extra,
    tuning: { ...FAST_TUNING, ...extra.tuning },
  };
}

export async function startIndexer(
  config: IndexerConfigInput,
  options: IndexerOptions = {},
): Promise<{ indexer: Indexer; url: string }> {
  const indexer = createIndexer(config, options);
  const { url } = await indexer.start();
  return { indexer, url };
}

/** Waits until the indexer has committed `head` (and is ready). */
export function waitForIndexed(indexer: Indexer, head: number, timeoutMs = 20_000): Promise<true> {
  return waitFor(
    `indexed head ${head} (now ${JSON.stringify(indexer.status())})`,
    () => (indexer.status().indexedHead === head ? true : undefined),
    timeoutMs,
  );
}

/** Test responses are JSON checked field by field; `any` keeps those assertions terse. */
// biome-ignore lint/suspicious/noExplicitAny: see above
type Json = any;

export async function getJson(url: string): Promise<{ status: number; body: Json }> {
  const response = await fetch(url);
  const text = await response.text();
  return { status: response.status, body: text === "" ? undefined : (JSON.parse(text) as Json) };
}

export async function postJson(
  url: string,
  body: unknown,
  method = "POST",
): Promise<{ status: number; body: Json }> {
  const response = await fetch(url, {
    method,
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text === "" ? undefined : JSON.parse(text) };
}
