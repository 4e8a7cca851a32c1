/**
 * The dashboard: stack status and endpoints, explorer, wallet, IPFS browser,
 * metrics. `services.wallet` without `services.dashboard` still plans one.
 */

import { draftFromVariant, platformRun, portOf } from "../../draft.ts";
import { platformVariant } from "../../platform.ts";
import { dashboardSchema } from "../../stack-schemas.ts";
import { secretFileToken } from "../../tokens.ts";
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
    /** URL of the component's Prometheus metrics, when it serves them. */
    metrics?: string;
  }>;
  /** The Ethereum chain the explorer reads (the wallet's, else the indexer's, else the only one). */
  chain?: { name: string; chainId?: number; rpc: string };
  /**
   * The local supervisor's state directory, relative to the working directory
   * (the stack dir on local targets); absent where there is no supervisor.
   */
  stateDir?: string;
  /**
   * On Kubernetes: the stack's namespace, where the stack page reads its workloads,
   * pods and logs (the pod's own service-account namespace wins when mounted).
   */
  kubernetes?: { namespace: string };
  /** File holding the access token (a generated secret); its value never enters the plan. */
  tokenFile: string;
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

/** The generated secret that guards logins and wallet actions. */
export function dashboardTokenSecret(component: string): string {
  return `${component}-token`;
}

const LOCAL_TARGETS: readonly string[] = ["embedded", "process"];

function dashboardConfig(
  ctx: BuildContext,
  walletChain: string | undefined,
  explorerChain: string | undefined,
): DashboardConfig {
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
        ...metricsUrl(c),
      })),
    tokenFile: secretFileToken(dashboardTokenSecret(ctx.self.name), "token"),
  };
  // Platform modules run with the stack dir as working directory locally (docker and
  // Kubernetes have no supervisor state to read).
  if (LOCAL_TARGETS.includes(ctx.target)) out.stateDir = ".cryptokube";
  if (ctx.target === "kubernetes") out.kubernetes = { namespace: ctx.namespace };
  if (explorerChain !== undefined) {
    const chainId = ctx.component(explorerChain)?.facts.chainId;
    out.chain = {
      name: explorerChain,
      ...(typeof chainId === "number" ? { chainId } : {}),
      rpc: ctx.endpointUrl(`chains.${explorerChain}`, "rpc") ?? "",
    };
  }
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

function metricsUrl(c: BuildContext["components"][number]): { metrics?: string } {
  if (c.metrics === undefined) return {};
  const base = c.endpoints.find((e) => e.name === c.metrics?.endpoint)?.url;
  return base === undefined ? {} : { metrics: `${base}${c.metrics.path}` };
}

/** The wallet's chain, else the indexer's, else the only Ethereum chain; none if ambiguous. */
function explorerChainOf(req: ExpandRequest, walletChain: string | undefined): string | undefined {
  if (walletChain !== undefined) return walletChain;
  const indexerChain = req.stack.services?.indexer?.chain;
  if (indexerChain !== undefined && req.stack.chains?.[indexerChain]?.type === "ethereum") {
    return indexerChain;
  }
  const ethereum = Object.entries(req.stack.chains ?? {}).filter(([, c]) => c.type === "ethereum");
  return ethereum.length === 1 ? ethereum[0]?.[0] : undefined;
}

function expand(req: ExpandRequest) {
  dashboardSchema.parse(req.config);
  const variant = VARIANTS[0];
  const wallet = req.stack.services?.wallet;
  const walletChain =
    wallet === undefined
      ? undefined
      : defaultEthereumChain(req, wallet.chain, "services.wallet.chain");
  const explorerChain = explorerChainOf(req, walletChain);
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
      secrets: [
        {
          name: dashboardTokenSecret(req.name),
          generate: { kind: "hex", bytes: 32 },
          keys: ["token"],
        },
      ],
      build: (ctx) => {
        const dashboard = dashboardConfig(ctx, walletChain, explorerChain);
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
