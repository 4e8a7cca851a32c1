import type { IndexerConfig as CatalogIndexerConfig } from "@cryptokube/catalog";
import { z } from "zod";

/**
 * The indexer's configuration: the catalog's `IndexerConfig` (what the planner passes as
 * `--config-json`) plus optional tuning fields with defaults, so tests and benchmarks can
 * shorten intervals without the planner knowing about them.
 */
const httpUrl = z
  .string()
  .refine((value) => /^https?:\/\//.test(value) && URL.canParse(value), "expected an http(s) URL");

const contractSchema = z.strictObject({
  name: z.string().min(1),
  address: z.string().regex(/^0x[0-9a-fA-F]{40}$/, "expected a 0x address of 40 hex digits"),
  /** ABI JSON text, or a path to an ABI / artifact JSON file relative to the stack dir (cwd). */
  abi: z.string().min(1),
});

const databaseSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("pglite"), dataDir: z.string().min(1) }),
  z.strictObject({ kind: z.literal("postgres"), urlEnv: z.string().min(1).optional() }),
]);

const tuningSchema = z.strictObject({
  /** Blocks fetched per window during backfill. */
  batchBlocks: z.number().int().positive().max(10_000).default(100),
  /** Windows fetched ahead of the writer (bounds memory: batchBlocks × prefetchWindows). */
  prefetchWindows: z.number().int().positive().max(16).default(3),
  /** Concurrent JSON-RPC HTTP requests per window. */
  rpcConcurrency: z.number().int().positive().max(64).default(8),
  /** JSON-RPC calls per HTTP batch. */
  rpcBatchSize: z.number().int().positive().max(1000).default(100),
  rpcTimeoutMs: z.number().int().positive().default(20_000),
  pollIntervalMs: z.number().int().positive().default(1_000),
  /** Blocks below head - finalityDepth are treated as permanent (devnets have no finality). */
  finalityDepth: z.number().int().min(1).default(64),
  deliveryTimeoutMs: z.number().int().positive().default(5_000),
  retryBaseMs: z.number().int().positive().default(500),
  retryMaxMs: z.number().int().positive().default(60_000),
  /**
   * Most already-indexed events a new subscription's `fromBlock` may replay; a request over
   * it is refused. The replay runs under the ingest lock, so this also bounds how long
   * ingest waits for one.
   */
  maxReplayEvents: z.number().int().positive().default(100_000),
  /** How often `<dataDir>/contracts/*.json` is rescanned for deploy artifacts. */
  artifactScanMs: z.number().int().positive().default(2_000),
});

export const indexerConfigSchema = z.strictObject({
  host: z.string().min(1),
  port: z.number().int().min(0).max(65535),
  chain: z.strictObject({
    name: z.string().min(1),
    chainId: z.number().int().positive().optional(),
    rpc: httpUrl,
    ws: z.string().optional(),
  }),
  startBlock: z.number().int().min(0).default(0),
  contracts: z.array(contractSchema).default([]),
  database: databaseSchema,
  /** Where deploy artifacts are scanned; default `<dataDir>/contracts` for PGlite. */
  artifactsDir: z.string().min(1).optional(),
  tuning: tuningSchema.prefault({}),
});

export type IndexerConfig = z.output<typeof indexerConfigSchema>;
export type IndexerConfigInput = z.input<typeof indexerConfigSchema>;
export type IndexerTuning = IndexerConfig["tuning"];

// Compile-time check that every catalog config is accepted as input.
export type CatalogConfigFits = CatalogIndexerConfig extends IndexerConfigInput ? true : never;
const catalogFits: CatalogConfigFits = true;
void catalogFits;
