/**
 * The dashboard: stack status and endpoints, explorer, wallet, IPFS browser,
 * metrics. `services.wallet` without `services.dashboard` still plans one.
 */

import { draftFromVariant, platformRun, portOf } from "../../draft.ts";
import { platformVariant } from "../../platform.ts";
import { dashboardSchema } from "../../stack-schemas.ts";
import type { BuildContext, CatalogPackage, ExpandRequest } from "../../types.ts";
import { defaultEthereumChain } from "../indexer/index.ts";

export interface DashboardConfig {
  host: string;
  port: number;
  stack: string;
  target: string;
  components: Array<{
    name: string;
    kind: string;
    package: string;
    variant: string;
    endpoints: Record<string, string>;
  }>;
  gateway?: string;
  indexer?: string;
  ipfs?: { api: string; gateway: string };
  prometheus?: string;
  wallet?: {
    chain: string;
    chainId?: number;
    rpc: string;
    faucet: boolean;
    /** Only for devnets, whose mnemonic is public by design. */
    mnemonic?: string;
  };
}

export const VARIANTS = [
  platformVariant({
    module: "@cryptokube/dashboard/main",
    description: "Web UI: status, explorer, wallet and faucet, IPFS browser, metrics, logs",
    endpoints: [{ name: "http", protocol: "http", port: 8080 }],
    resources: { cpu: "100m", memory: "256Mi" },
    workload: "stateless",
  }),
] as const;

/** Components the dashboard shows data from, when the stack has them. */
const UPSTREAMS = ["gateway", "indexer", "ipfs"] as const;

function dashboardConfig(ctx: BuildContext, walletChain: string | undefined): DashboardConfig {
  const url = (name: string, endpoint: string) =>
    ctx.component(name)?.endpoints.find((e) => e.name === endpoint)?.url;
  const out: DashboardConfig = {
    host: ctx.bindHost,
    port: portOf(ctx, "http"),
    stack: ctx.stack.name,
    target: ctx.target,
    components: ctx.components
      .filter((c) => c.name !== ctx.self.name)
      .map((c) => ({
        name: c.name,
        kind: c.kind,
        package: c.package,
        variant: c.variant,
        endpoints: Object.fromEntries(c.endpoints.map((e) => [e.name, e.url])),
      })),
  };
  const gateway = url("gateway", "http");
  if (gateway !== undefined) out.gateway = gateway;
  const indexer = url("indexer", "http");
  if (indexer !== undefined) out.indexer = indexer;
  const ipfsApi = url("ipfs", "api");
  const ipfsGateway = url("ipfs", "gateway");
  if (ipfsApi !== undefined && ipfsGateway !== undefined) {
    out.ipfs = { api: ipfsApi, gateway: ipfsGateway };
  }
  const prometheus = url("prometheus", "http");
  if (prometheus !== undefined) out.prometheus = prometheus;
  if (walletChain !== undefined) {
    const node = ctx.component(walletChain);
    const chainId = node?.facts.chainId;
    const mnemonic = node?.facts.network === "devnet" ? node.facts.mnemonic : undefined;
    out.wallet = {
      chain: walletChain,
      ...(typeof chainId === "number" ? { chainId } : {}),
      rpc: ctx.endpointUrl(`chains.${walletChain}`, "rpc") ?? "",
      faucet: (ctx.stack.services?.wallet?.faucet ?? true) && node?.facts.network === "devnet",
      ...(typeof mnemonic === "string" ? { mnemonic } : {}),
    };
  }
  return out;
}

function expand(req: ExpandRequest) {
  dashboardSchema.parse(req.config);
  const variant = VARIANTS[0];
  const wallet = req.stack.services?.wallet;
  const walletChain =
    wallet === undefined
      ? undefined
      : defaultEthereumChain(req, wallet.chain, "services.wallet.chain");
  const present = UPSTREAMS.filter((name) =>
    name === "ipfs"
      ? req.stack.storage?.ipfs !== undefined
      : req.stack.services?.[name] !== undefined,
  );
  return [
    draftFromVariant({
      name: req.name,
      kind: "service",
      package: "dashboard",
      variant,
      variantSource: req.source,
      source: req.source,
      dependsOn: [...present],
      build: (ctx) => {
        const dashboard = dashboardConfig(ctx, walletChain);
        return {
          run: platformRun(variant, variant.version, ctx.target, "dashboard", [
            "--config-json",
            JSON.stringify(dashboard),
          ]),
          settings: { dashboard },
        };
      },
    }),
  ];
}

export const dashboardPackage: CatalogPackage = {
  id: "dashboard",
  description: "Web UI for the stack, with the wallet pages",
  kind: "service",
  configSchema: dashboardSchema,
  variants: VARIANTS,
  auto: { service: ["cryptokube"] },
  expand,
};
