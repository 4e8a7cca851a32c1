/**
 * The JSON-RPC gateway in front of the Ethereum chains' nodes. Its whole
 * configuration travels as one JSON argument (`--config-json`) whose shape is
 * the contract with packages/gateway: see `GatewayConfig`.
 */
import { PlanError } from "@cryptokube/core";
import { draftFromVariant, platformRun, portOf } from "../../draft.ts";
import { platformVariant } from "../../platform.ts";
import { gatewaySchema } from "../../stack-schemas.ts";
import type { BuildContext, CatalogPackage, ExpandRequest, RouteDecl } from "../../types.ts";

export interface GatewayConfig {
  host: string;
  port: number;
  maxLag: number;
  cache: { maxBytes: number; finalityDepth: number };
  apiKeys: Array<{
    name: string;
    sha256: string;
    rateLimit?: { rps: number; burst?: number };
    methods?: string[];
  }>;
  cors?: { origins: string[] };
  chains: Array<{
    name: string;
    type: "ethereum";
    chainId?: number;
    upstreams: Array<{ name: string; http: string; ws?: string }>;
  }>;
}

export const VARIANTS = [
  platformVariant({
    module: "@cryptokube/gateway/main",
    description: "JSON-RPC over HTTP and WebSocket: failover, caching, API keys, metrics",
    endpoints: [
      { name: "http", protocol: "http", port: 8080 },
      { name: "ws", protocol: "ws", port: 8080, samePortAs: "http" },
    ],
    resources: { cpu: "250m", memory: "256Mi" },
    workload: "stateless",
  }),
] as const;

const DEFAULT_CACHE = { maxBytes: 64 * 1024 * 1024, finalityDepth: 12 };

/** The Ethereum chains a gateway serves (validated against the stack). */
export function servedChains(
  req: Pick<ExpandRequest, "stack" | "source">,
  chains?: string[],
): string[] {
  const all = Object.entries(req.stack.chains ?? {});
  const ethereum = all.filter(([, c]) => c.type === "ethereum").map(([name]) => name);
  if (chains === undefined) return [...ethereum].sort();
  const problems = chains.flatMap((name, i) => {
    const chain = req.stack.chains?.[name];
    if (chain === undefined) {
      return [
        {
          path: `${req.source}.chains[${i}]`,
          message: `no chain named '${name}' in chains`,
          ...(ethereum.length > 0
            ? { suggestion: `known Ethereum chains: ${ethereum.join(", ")}` }
            : {}),
        },
      ];
    }
    if (chain.type !== "ethereum") {
      return [
        {
          path: `${req.source}.chains[${i}]`,
          message: `the gateway serves Ethereum JSON-RPC; chain '${name}' is ${chain.type}`,
        },
      ];
    }
    return [];
  });
  if (problems.length > 0) throw new PlanError(problems);
  return [...new Set(chains)].sort();
}

function gatewayConfig(
  ctx: BuildContext,
  config: ReturnType<typeof gatewaySchema.parse>,
  chains: string[],
): GatewayConfig {
  const out: GatewayConfig = {
    host: ctx.bindHost,
    port: portOf(ctx, "http"),
    maxLag: config.maxLag,
    cache: {
      maxBytes: config.cache?.maxBytes ?? DEFAULT_CACHE.maxBytes,
      finalityDepth: config.cache?.finalityDepth ?? DEFAULT_CACHE.finalityDepth,
    },
    apiKeys: (config.apiKeys ?? []).map((k) => ({
      name: k.name,
      sha256: k.sha256,
      ...(k.rateLimit === undefined
        ? {}
        : {
            rateLimit: {
              rps: k.rateLimit.rps,
              ...(k.rateLimit.burst === undefined ? {} : { burst: k.rateLimit.burst }),
            },
          }),
      ...(k.methods === undefined ? {} : { methods: [...k.methods] }),
    })),
    ...(config.cors === undefined ? {} : { cors: { origins: [...config.cors.origins] } }),
    chains: [],
  };
  out.chains = chains.map((name) => {
    const node = ctx.component(name);
    const http = ctx.instanceUrls(name, "rpc");
    const ws = ctx.instanceUrls(name, "ws");
    const chainId = node?.facts.chainId;
    return {
      name,
      type: "ethereum" as const,
      ...(typeof chainId === "number" ? { chainId } : {}),
      upstreams: http.map((url, i) => ({
        name: http.length === 1 ? name : `${name}-${i}`,
        http: url,
        ...(ws[i] === undefined ? {} : { ws: ws[i] }),
      })),
    };
  });
  return out;
}

function expand(req: ExpandRequest) {
  const config = gatewaySchema.parse(req.config);
  const chains = servedChains(req, config.chains);
  const variant = VARIANTS[0];
  const routes: RouteDecl[] = chains.flatMap((chain) => [
    { source: `chains.${chain}`, endpoint: "rpc", via: "http", path: `/${chain}` },
    { source: `chains.${chain}`, endpoint: "ws", via: "ws", path: `/${chain}` },
  ]);
  return [
    draftFromVariant({
      name: req.name,
      kind: "service",
      package: "gateway",
      variant,
      variantSource: req.source,
      source: req.source,
      dependsOn: chains,
      routes,
      build: (ctx) => {
        const gateway = gatewayConfig(ctx, config, chains);
        const args = ["--config-json", JSON.stringify(gateway)];
        return {
          run: platformRun(variant, variant.version, ctx.target, "gateway", args),
          settings: { gateway },
        };
      },
    }),
  ];
}

export const gatewayPackage: CatalogPackage = {
  id: "gateway",
  description: "JSON-RPC gateway in front of the chains' nodes",
  kind: "service",
  configSchema: gatewaySchema,
  variants: VARIANTS,
  auto: { service: ["cryptokube"] },
  expand,
};
