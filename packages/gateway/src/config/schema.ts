import { z } from "zod";

/**
 * The gateway's configuration, exactly as the planner generates it. Objects are strict so a
 * typo in a hand-written config is reported instead of silently ignored.
 */
const sha256Hex = z
  .string()
  .regex(/^[0-9a-fA-F]{64}$/, "expected the SHA-256 of the key as 64 hex characters");

const httpUrl = z
  .string()
  .refine((value) => /^https?:\/\//.test(value) && URL.canParse(value), "expected an http(s) URL");
const wsUrl = z
  .string()
  .refine((value) => /^wss?:\/\//.test(value) && URL.canParse(value), "expected a ws(s) URL");

const dnsName = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, "expected a DNS-safe name (a-z, 0-9, -)");

const apiKeySchema = z.strictObject({
  name: z.string().min(1),
  sha256: sha256Hex,
  rateLimit: z
    .strictObject({
      rps: z.number().positive(),
      burst: z.number().int().positive().optional(),
    })
    .optional(),
  methods: z.array(z.string().min(1)).optional(),
});

const upstreamSchema = z.strictObject({
  name: z.string().min(1),
  http: httpUrl,
  ws: wsUrl.optional(),
  /**
   * How calls reach the upstream: over its WebSocket (one persistent connection; the default
   * when `ws` is given, except eth_getLogs, debug_* and trace_*, which use HTTP) or all over HTTP.
   */
  calls: z.enum(["ws", "http"]).optional(),
  /** Concurrent calls coalesced into one JSON-RPC batch upstream; 1 turns coalescing off. */
  batchSize: z.number().int().min(1).max(1000).default(16),
});

const chainSchema = z.strictObject({
  name: dnsName,
  type: z.literal("ethereum"),
  chainId: z.number().int().positive().optional(),
  upstreams: z.array(upstreamSchema).min(1, "a chain needs at least one upstream"),
});

/** Operational limits; every field has a default so the planner may leave the block out. */
const limitsSchema = z.strictObject({
  maxBodyBytes: z.number().int().positive().default(1_048_576),
  maxBatchSize: z.number().int().positive().default(100),
  maxNestingDepth: z.number().int().positive().default(32),
  logsMaxRange: z.number().int().positive().default(10_000),
  logsMaxResults: z.number().int().positive().default(10_000),
  logsChunkBlocks: z.number().int().positive().default(2_000),
  upstreamTimeoutMs: z.number().int().positive().default(10_000),
  clientTimeoutMs: z.number().int().positive().default(30_000),
  probeIntervalMs: z.number().int().positive().max(500).default(250),
  probeTimeoutMs: z.number().int().positive().default(1_000),
  wsMaxBufferedBytes: z.number().int().positive().default(8_388_608),
  /** Polling filters (eth_newFilter…) held per chain; 0 refuses new ones. */
  maxFilters: z.number().int().min(0).default(10_000),
  /** A filter not polled for this long is removed (geth's default is 5 minutes). */
  filterTimeoutMs: z.number().int().positive().default(300_000),
  /** Unread changes a filter keeps; past that it is dropped and its next poll says so. */
  filterMaxChanges: z.number().int().positive().default(10_000),
});

export const gatewayConfigSchema = z
  .strictObject({
    host: z.string().min(1),
    port: z.number().int().min(0).max(65_535),
    maxLag: z.number().int().min(0),
    cache: z.strictObject({
      maxBytes: z.number().int().min(0),
      finalityDepth: z.number().int().min(0),
    }),
    apiKeys: z.array(apiKeySchema),
    cors: z.strictObject({ origins: z.array(z.string().min(1)) }).optional(),
    chains: z.array(chainSchema).min(1, "the gateway needs at least one chain"),
    limits: limitsSchema.prefault({}),
  })
  .superRefine((config, ctx) => {
    reportDuplicates(
      config.chains.map((c) => c.name),
      ["chains"],
      "chain",
      ctx,
    );
    config.chains.forEach((chain, i) => {
      reportDuplicates(
        chain.upstreams.map((u) => u.name),
        ["chains", i, "upstreams"],
        "upstream",
        ctx,
      );
    });
    reportDuplicates(
      config.apiKeys.map((k) => k.name),
      ["apiKeys"],
      "API key",
      ctx,
    );
    reportDuplicates(
      config.apiKeys.map((k) => k.sha256.toLowerCase()),
      ["apiKeys"],
      "API key hash",
      ctx,
    );
  });

function reportDuplicates(
  names: string[],
  path: (string | number)[],
  what: string,
  ctx: z.RefinementCtx,
): void {
  const seen = new Set<string>();
  names.forEach((name, i) => {
    if (seen.has(name)) {
      ctx.addIssue({
        code: "custom",
        path: [...path, i],
        message: `duplicate ${what} "${name}"; names must be unique`,
      });
    }
    seen.add(name);
  });
}

export type GatewayConfigInput = z.input<typeof gatewayConfigSchema>;
export type GatewayConfig = z.output<typeof gatewayConfigSchema>;
export type ChainConfig = GatewayConfig["chains"][number];
export type UpstreamConfig = ChainConfig["upstreams"][number];
export type ApiKeyConfig = GatewayConfig["apiKeys"][number];
export type GatewayLimits = GatewayConfig["limits"];
