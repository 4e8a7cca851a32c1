/**
 * The indexer: blocks, transactions and logs of one Ethereum chain into
 * Postgres. PGlite in its volume on local targets; on Kubernetes a postgres
 * component (added here) unless `database.dsnSecret` names an existing one.
 */
import { PlanError } from "@cryptokube/core";
import type { EnvValue } from "@cryptokube/plan/types";
import { draftFromVariant, platformRun, portOf } from "../../draft.ts";
import { platformVariant } from "../../platform.ts";
import { indexerSchema } from "../../stack-schemas.ts";
import { volumeToken } from "../../tokens.ts";
import type { BuildContext, CatalogPackage, ComponentDraft, ExpandRequest } from "../../types.ts";
import { postgresClientEnv } from "../postgres/index.ts";

export interface IndexerConfig {
  host: string;
  port: number;
  chain: { name: string; chainId?: number; rpc: string; ws?: string };
  startBlock: number;
  contracts: Array<{ name: string; address: string; abi: string }>;
  database:
    | { kind: "pglite"; dataDir: string }
    /** Connection from libpq env vars (PGHOST...) or, with `urlEnv`, a DSN in that env var. */
    | { kind: "postgres"; urlEnv?: string };
}

export const VARIANTS = [
  platformVariant({
    module: "@cryptokube/indexer/main",
    description: "Reorg-safe chain indexer into Postgres (PGlite locally)",
    endpoints: [{ name: "http", protocol: "http", port: 8080 }],
    volumes: [{ name: "data", mountPath: "/data", size: "10Gi", persistent: true }],
    resources: { cpu: "500m", memory: "1Gi" },
    workload: "stateful",
  }),
] as const;

export const POSTGRES_COMPONENT = "postgres";

/** The chain an indexer or wallet uses: the named one, or the only Ethereum chain. */
export function defaultEthereumChain(
  req: Pick<ExpandRequest, "stack">,
  requested: string | undefined,
  path: string,
): string {
  const chains = Object.entries(req.stack.chains ?? {});
  const ethereum = chains.filter(([, c]) => c.type === "ethereum").map(([n]) => n);
  if (requested !== undefined) {
    const chain = req.stack.chains?.[requested];
    if (chain?.type === "ethereum") return requested;
    throw new PlanError([
      {
        path,
        message:
          chain === undefined
            ? `no chain named '${requested}' in chains`
            : `chain '${requested}' is ${chain.type}; only Ethereum chains are supported here`,
        ...(ethereum.length > 0 ? { suggestion: `Ethereum chains: ${ethereum.join(", ")}` } : {}),
      },
    ]);
  }
  const [only, ...rest] = ethereum;
  if (only !== undefined && rest.length === 0) return only;
  throw new PlanError([
    {
      path,
      message:
        only === undefined
          ? "there is no Ethereum chain to use"
          : `there are ${ethereum.length} Ethereum chains (${ethereum.join(", ")}); say which one`,
      suggestion: only === undefined ? "add an Ethereum chain under chains" : `set chain: ${only}`,
    },
  ]);
}

function expand(req: ExpandRequest): ComponentDraft[] {
  const config = indexerSchema.parse(req.config);
  const chain = defaultEthereumChain(req, config.chain, `${req.source}.chain`);
  const variant = VARIANTS[0];
  const cluster = req.target === "kubernetes";
  const dsnSecret = config.database?.dsnSecret;
  const withPostgres = cluster && dsnSecret === undefined;
  const drafts: ComponentDraft[] = [];
  const postgres = withPostgres
    ? req.catalog.get("postgres")?.expand({
        ...req,
        name: POSTGRES_COMPONENT,
        source: `${req.source}.database`,
        config: {},
      })
    : undefined;
  const secrets =
    cluster && dsnSecret !== undefined
      ? [
          {
            name: dsnSecret,
            generate: {
              kind: "external" as const,
              hint: `kubectl create secret generic ${dsnSecret} --from-literal=dsn=postgres://USER:PASSWORD@HOST:5432/DB`,
            },
            keys: ["dsn"],
          },
        ]
      : [];
  // Gateway route when one serves the chain, else the node: the endpointUrl lookup decides.
  const gatewayServes = (req.stack.services?.gateway?.chains ?? [chain]).includes(chain);
  const upstream = req.stack.services?.gateway !== undefined && gatewayServes ? "gateway" : chain;
  drafts.push(
    draftFromVariant({
      name: req.name,
      kind: "service",
      package: "indexer",
      variant,
      variantSource: req.source,
      source: req.source,
      volumes: cluster ? [] : variant.volumes.map((v) => ({ ...v })),
      workload: cluster ? "stateless" : "stateful",
      dependsOn: withPostgres ? [upstream, POSTGRES_COMPONENT] : [upstream],
      secrets,
      build: (ctx) => {
        const { indexer, env } = indexerConfig(ctx, config, chain, dsnSecret);
        return {
          run: platformRun(
            variant,
            variant.version,
            ctx.target,
            "indexer",
            ["--config-json", JSON.stringify(indexer)],
            // PGlite's Postgres in WebAssembly: V8's optimizing tier compiles its hottest
            // functions (the parser, the executor) with a transient ~500 MB peak and ~1 s of
            // CPU at start. On the baseline tier alone, backfills measured as fast or faster
            // on two cores (bench/indexer/backfill.ts), the compiler no longer competing.
            indexer.database.kind === "pglite" ? ["--liftoff-only"] : [],
          ),
          env,
          settings: { indexer },
        };
      },
    }),
  );
  return [...drafts, ...(postgres ?? [])];
}

function indexerConfig(
  ctx: BuildContext,
  config: ReturnType<typeof indexerSchema.parse>,
  chain: string,
  dsnSecret: string | undefined,
): { indexer: IndexerConfig; env: Record<string, EnvValue> } {
  const chainId = ctx.component(chain)?.facts.chainId;
  const ws = ctx.endpointUrl(`chains.${chain}`, "ws");
  const cluster = ctx.target === "kubernetes";
  let database: IndexerConfig["database"];
  let env: Record<string, EnvValue> = {};
  if (dsnSecret !== undefined) {
    // Locally the DSN comes from the user's environment variable of that name.
    database = { kind: "postgres", urlEnv: cluster ? "DATABASE_URL" : dsnSecret };
    if (cluster) env = { DATABASE_URL: { secret: dsnSecret, key: "dsn" } };
  } else if (cluster) {
    const server = ctx.component(POSTGRES_COMPONENT);
    database = { kind: "postgres" };
    if (server !== undefined) env = postgresClientEnv(server);
  } else {
    database = { kind: "pglite", dataDir: volumeToken("data") };
  }
  const indexer: IndexerConfig = {
    host: ctx.bindHost,
    port: portOf(ctx, "http"),
    chain: {
      name: chain,
      ...(typeof chainId === "number" ? { chainId } : {}),
      rpc: ctx.endpointUrl(`chains.${chain}`, "rpc") ?? "",
      ...(ws === undefined ? {} : { ws }),
    },
    startBlock: config.startBlock,
    contracts: (config.contracts ?? []).map((c) => ({
      name: c.name,
      address: c.address,
      abi: c.abi,
    })),
    database,
  };
  return { indexer, env };
}

export const indexerPackage: CatalogPackage = {
  id: "indexer",
  description: "Chain data pipeline into Postgres",
  kind: "service",
  configSchema: indexerSchema,
  variants: VARIANTS,
  auto: { service: ["cryptokube"] },
  expand,
};
