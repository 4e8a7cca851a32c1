/**
 * Ethereum: an execution client (edr in-process devnet, geth, reth) and, on
 * public networks, a consensus client (lighthouse, teku) paired with it over the
 * engine API with a shared JWT secret.
 */
import { PlanError } from "@cryptokube/core";
import type { HealthChecks, HealthProbe } from "@cryptokube/plan/types";
import type { EthereumChain } from "@cryptokube/spec";
import { binaryRun, draftFromVariant, endpointOf, listenAddress, portOf } from "../../draft.ts";
import { ethereumChainSchema } from "../../stack-schemas.ts";
import { fileToken, secretFileToken, volumeToken } from "../../tokens.ts";
import type {
  BuildContext,
  CatalogPackage,
  ComponentDraft,
  EndpointDecl,
  ExpandRequest,
  VariantDecl,
} from "../../types.ts";
import { imageRef, selectVariant } from "../../variants.ts";
import { type DevnetFunding, devnetGenesis } from "./genesis.ts";

const GENESIS_FILE = "genesis.json";

/** Single-quote for sh: tokens are substituted before the shell sees the script. */
function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}

const LOCAL_AND_CLUSTER = ["process", "docker", "kubernetes"] as const;
const CONTAINERS = ["docker", "kubernetes"] as const;
const PUBLIC_NETWORKS = ["sepolia", "hoodi", "mainnet"] as const;

export const PUBLIC_CHAIN_IDS: Readonly<Record<string, number>> = {
  mainnet: 1,
  sepolia: 11155111,
  hoodi: 560048,
};
export const DEFAULT_DEVNET_CHAIN_ID = 31337;
export const DEFAULT_DEVNET_MNEMONIC =
  "test test test test test test test test test test test junk";

const CHECKPOINT_SYNC_URLS: Readonly<Record<string, string>> = {
  mainnet: "https://mainnet.checkpoint.sigp.io",
  sepolia: "https://checkpoint-sync.sepolia.ethpandaops.io",
  hoodi: "https://checkpoint-sync.hoodi.ethpandaops.io",
};

const DATA_SIZES: Readonly<Record<string, string>> = {
  devnet: "10Gi",
  sepolia: "1Ti",
  hoodi: "500Gi",
  mainnet: "2Ti",
};
const CONSENSUS_DATA_SIZES: Readonly<Record<string, string>> = {
  sepolia: "200Gi",
  hoodi: "200Gi",
  mainnet: "400Gi",
};

const executionEndpoints = (metricsPort: number): EndpointDecl[] => [
  { name: "rpc", protocol: "http", port: 8545 },
  { name: "ws", protocol: "ws", port: 8546 },
  { name: "authrpc", protocol: "http", port: 8551 },
  { name: "metrics", protocol: "http", port: metricsPort },
  { name: "p2p", protocol: "p2p", port: 30303, public: true },
];

const executionHealth: HealthChecks = {
  readiness: [
    { type: "chain-synced", endpoint: "rpc", chain: "ethereum" },
    { type: "jsonrpc", endpoint: "rpc", method: "eth_chainId" },
  ],
  liveness: [{ type: "tcp", endpoint: "rpc" }],
  startupSeconds: 300,
};

const consensusHealth: HealthChecks = {
  // 200 = synced; 206 = syncing (alive, not ready); 503 = not initialised.
  readiness: [{ type: "http", endpoint: "http", path: "/eth/v1/node/health", expectStatus: 200 }],
  liveness: [{ type: "tcp", endpoint: "http" }],
  startupSeconds: 600,
};

export const VARIANTS: readonly VariantDecl[] = [
  {
    name: "edr",
    role: "client",
    description:
      "In-process devnet on EDR (the Rust EVM inside Hardhat); instant start, no install",
    version: "0.22.0",
    module: "@cryptokube/runtime/devnet/main",
    targets: ["embedded"],
    networks: ["devnet"],
    endpoints: [
      { name: "rpc", protocol: "http", port: 8545 },
      { name: "ws", protocol: "ws", port: 8545, samePortAs: "rpc" },
    ],
    volumes: [{ name: "data", mountPath: "/data", size: "1Gi", persistent: false }],
    health: { ...executionHealth, startupSeconds: 30 },
    resources: { cpu: "500m", memory: "512Mi" },
    workload: "stateful",
  },
  {
    name: "geth",
    role: "client",
    description:
      "go-ethereum; on a devnet, --dev mode over a generated genesis (chain id, funded accounts)",
    version: "1.17.10",
    image: { repository: "ethereum/client-go", tagPrefix: "v" },
    binary: "geth",
    targets: LOCAL_AND_CLUSTER,
    endpoints: executionEndpoints(6060),
    volumes: [{ name: "data", mountPath: "/data", size: "1Ti", persistent: true }],
    health: executionHealth,
    metrics: { endpoint: "metrics", path: "/debug/metrics/prometheus" },
    resources: { cpu: "2", memory: "8Gi" },
    workload: "stateful",
  },
  {
    name: "reth",
    role: "client",
    description:
      "Reth (Rust); on a devnet, --dev mode over a generated genesis (chain id, funded accounts)",
    version: "1.8.2",
    image: { repository: "ghcr.io/paradigmxyz/reth", tagPrefix: "v" },
    binary: "reth",
    targets: CONTAINERS,
    endpoints: executionEndpoints(9001),
    volumes: [{ name: "data", mountPath: "/data", size: "1Ti", persistent: true }],
    health: executionHealth,
    metrics: { endpoint: "metrics", path: "/" },
    resources: { cpu: "2", memory: "8Gi" },
    workload: "stateful",
  },
  {
    name: "lighthouse",
    role: "consensus",
    description: "Lighthouse beacon node (Rust), checkpoint-synced",
    version: "8.0.0",
    image: { repository: "sigp/lighthouse", tagPrefix: "v" },
    binary: "lighthouse",
    targets: CONTAINERS,
    networks: PUBLIC_NETWORKS,
    endpoints: [
      { name: "http", protocol: "http", port: 5052 },
      { name: "metrics", protocol: "http", port: 5054 },
      { name: "p2p", protocol: "p2p", port: 9000, public: true },
    ],
    volumes: [{ name: "data", mountPath: "/data", size: "200Gi", persistent: true }],
    health: consensusHealth,
    metrics: { endpoint: "metrics", path: "/metrics" },
    resources: { cpu: "1", memory: "4Gi" },
    workload: "stateful",
  },
  {
    name: "teku",
    role: "consensus",
    description: "Teku beacon node (Java), checkpoint-synced",
    version: "25.6.0",
    image: { repository: "consensys/teku" },
    binary: "teku",
    targets: CONTAINERS,
    networks: PUBLIC_NETWORKS,
    endpoints: [
      { name: "http", protocol: "http", port: 5051 },
      { name: "metrics", protocol: "http", port: 8008 },
      { name: "p2p", protocol: "p2p", port: 9000, public: true },
    ],
    volumes: [{ name: "data", mountPath: "/data", size: "200Gi", persistent: true }],
    health: consensusHealth,
    metrics: { endpoint: "metrics", path: "/metrics" },
    resources: { cpu: "1", memory: "4Gi" },
    workload: "stateful",
  },
];

export function jwtSecretName(chain: string): string {
  return `${chain}-jwt`;
}

/** Funding of a devnet, with the catalog's defaults (the well-known test mnemonic). */
function devnetFunding(chain: EthereumChain): DevnetFunding {
  return {
    chainId: chain.chainId ?? DEFAULT_DEVNET_CHAIN_ID,
    mnemonic: chain.mnemonic ?? DEFAULT_DEVNET_MNEMONIC,
    accounts: chain.accounts ?? 10,
    balance: chain.balance ?? 10000,
  };
}

function executionDraft(req: ExpandRequest, chain: EthereumChain): ComponentDraft {
  const pkgChoice = selectVariant(ethereumPackage, "client", chain.client, req.target);
  const variant = pkgChoice.variant;
  const devnet = chain.network === "devnet";
  if (devnet && chain.replicas > 1) {
    throw new PlanError([
      {
        path: `${req.source}.replicas`,
        message: `a devnet is one node; ${chain.replicas} replicas would be ${chain.replicas} unrelated chains`,
        suggestion: "remove replicas, or use a public network for replicated nodes",
      },
    ]);
  }
  if (!devnet && chain.replicas > 1) {
    throw new PlanError([
      {
        path: `${req.source}.replicas`,
        message:
          "each execution node needs its own consensus client over the engine API; replicated pairs are not supported yet",
        suggestion: "remove replicas (one execution + consensus pair per chain entry)",
      },
    ]);
  }
  const facts: Record<string, string | number> = { chain: "ethereum", network: chain.network };
  if (devnet) {
    const funding = devnetFunding(chain);
    facts.chainId = funding.chainId;
    facts.mnemonic = funding.mnemonic;
  } else {
    facts.chainId = PUBLIC_CHAIN_IDS[chain.network] ?? 0;
  }

  // A devnet needs no engine API or peers.
  const endpoints = variant.endpoints
    .filter((e) => !devnet || (e.name !== "authrpc" && e.name !== "p2p"))
    .map((e) => ({ ...e }));
  const health = structuredClone(variant.health);
  const blockTime = chain.blockTime ?? 0;
  if (devnet && blockTime > 0) {
    const headProbe: HealthProbe = {
      type: "chain-head",
      endpoint: "rpc",
      chain: "ethereum",
      maxLag: 0,
    };
    health.readiness.push(headProbe);
  }
  if (devnet) health.startupSeconds = 30;
  const secrets = devnet
    ? []
    : [
        {
          name: jwtSecretName(req.name),
          generate: { kind: "hex" as const, bytes: 32 },
          keys: ["jwt.hex"],
        },
      ];
  const version = chain.version ?? variant.version;
  return draftFromVariant({
    name: req.name,
    kind: "chain",
    package: "ethereum",
    variant,
    variantSource: `${req.source}.client`,
    variantRequested: pkgChoice.requested,
    version,
    source: req.source,
    network: chain.network,
    endpoints,
    volumes: variant.volumes.map((v) => ({
      ...v,
      size: variant.name === "edr" ? v.size : (DATA_SIZES[chain.network] ?? v.size),
    })),
    health,
    resources: devnet ? { cpu: "500m", memory: "1Gi" } : { ...variant.resources },
    secrets,
    facts,
    build: (ctx) => {
      const run = executionRun(ctx, variant, version, chain, req.name);
      if (!devnet || variant.name === "edr") return { run };
      const genesis = `${JSON.stringify(devnetGenesis(devnetFunding(chain)), null, 2)}\n`;
      const files = { [GENESIS_FILE]: genesis };
      if (ctx.target !== "kubernetes" || variant.name !== "geth")
        return { run, settings: { files } };
      const initCommand = [
        "geth",
        "init",
        "--datadir",
        volumeToken("data"),
        fileToken(GENESIS_FILE),
      ];
      return { run, settings: { files, initCommand } };
    },
  });
}

function executionRun(
  ctx: BuildContext,
  variant: VariantDecl,
  version: string,
  chain: EthereumChain,
  name: string,
) {
  const devnet = chain.network === "devnet";
  const blockTime = chain.blockTime ?? 0;
  const host = ctx.bindHost;
  const funding = devnetFunding(chain);
  if (variant.name === "edr") {
    return {
      type: "node" as const,
      module: variant.module ?? "",
      args: [
        "--host",
        host,
        "--port",
        String(portOf(ctx, "rpc")),
        "--chain-id",
        String(funding.chainId),
        "--block-time",
        String(blockTime),
        "--mnemonic",
        funding.mnemonic,
        "--accounts",
        String(funding.accounts),
        "--balance",
        String(funding.balance),
        "--state-dir",
        volumeToken("data"),
      ],
    };
  }
  const jwt = secretFileToken(jwtSecretName(name), "jwt.hex");
  if (variant.name === "geth") {
    // A devnet never dials out (--dev: no peers, no discovery) and needs no IPC socket
    // (whose path a deep state dir makes longer than a unix socket path may be).
    const args = devnet
      ? ["--dev", "--dev.period", String(Math.ceil(blockTime)), "--ipcdisable"]
      : [`--${chain.network}`, "--syncmode", "snap"];
    args.push(
      "--datadir",
      volumeToken("data"),
      "--http",
      "--http.addr",
      host,
      "--http.port",
      String(portOf(ctx, "rpc")),
      "--http.api",
      "eth,net,web3,txpool",
      "--http.vhosts",
      "*",
      "--http.corsdomain",
      "*",
      "--ws",
      "--ws.addr",
      host,
      "--ws.port",
      String(portOf(ctx, "ws")),
      // The same API as over HTTP: the gateway sends most calls over the WebSocket.
      "--ws.api",
      "eth,net,web3,txpool",
      "--ws.origins",
      "*",
      "--metrics",
      "--metrics.addr",
      host,
      "--metrics.port",
      String(portOf(ctx, "metrics")),
    );
    if (!devnet) {
      args.push(
        "--authrpc.addr",
        host,
        "--authrpc.port",
        String(portOf(ctx, "authrpc")),
        "--authrpc.vhosts",
        "*",
        "--authrpc.jwtsecret",
        jwt,
        "--port",
        String(portOf(ctx, "p2p")),
      );
    }
    // On Kubernetes an init container runs `geth init` (settings.initCommand).
    if (!devnet || ctx.target === "kubernetes") return binaryRun(variant, version, args);
    // `geth init` is idempotent for the same genesis; --dev then keeps the initialised chain.
    const script = [
      `geth init --datadir ${shellQuote(volumeToken("data"))} ${shellQuote(fileToken(GENESIS_FILE))}`,
      `exec geth ${args.map(shellQuote).join(" ")}`,
    ].join(" && ");
    return {
      type: "binary" as const,
      binary: "sh",
      args: ["-c", script],
      image: imageRef(variant, version),
      imageCommand: ["sh"],
    };
  }
  // reth
  const args = ["node", "--chain", devnet ? fileToken(GENESIS_FILE) : chain.network];
  if (devnet) {
    args.push("--dev");
    if (blockTime > 0) args.push("--dev.block-time", `${Math.round(blockTime * 1000)}ms`);
  }
  args.push(
    "--datadir",
    volumeToken("data"),
    "--http",
    "--http.addr",
    host,
    "--http.port",
    String(portOf(ctx, "rpc")),
    "--http.api",
    "eth,net,web3,txpool",
    "--http.corsdomain",
    "*",
    "--ws",
    "--ws.addr",
    host,
    "--ws.port",
    String(portOf(ctx, "ws")),
    // The same API as over HTTP: the gateway sends most calls over the WebSocket.
    "--ws.api",
    "eth,net,web3,txpool",
    "--ws.origins",
    "*",
    "--metrics",
    listenAddress(ctx, "metrics"),
  );
  if (!devnet) {
    const p2p = String(portOf(ctx, "p2p"));
    args.push(
      "--authrpc.addr",
      host,
      "--authrpc.port",
      String(portOf(ctx, "authrpc")),
      "--authrpc.jwtsecret",
      jwt,
      "--port",
      p2p,
      "--discovery.port",
      p2p,
    );
  }
  return binaryRun(variant, version, args);
}

function consensusDraft(req: ExpandRequest, chain: EthereumChain): ComponentDraft | undefined {
  const devnet = chain.network === "devnet";
  if (chain.consensus === "none" || (chain.consensus === "auto" && devnet)) return undefined;
  const choice = selectVariant(ethereumPackage, "consensus", chain.consensus, req.target);
  const variant = choice.variant;
  const name = `${req.name}-consensus`;
  return draftFromVariant({
    name,
    kind: "chain",
    package: "ethereum",
    variant,
    variantSource: `${req.source}.consensus`,
    variantRequested: choice.requested,
    source: `${req.source}.consensus`,
    network: chain.network,
    volumes: variant.volumes.map((v) => ({
      ...v,
      size: CONSENSUS_DATA_SIZES[chain.network] ?? v.size,
    })),
    dependsOn: [req.name],
    secrets: [
      { name: jwtSecretName(req.name), generate: { kind: "hex", bytes: 32 }, keys: ["jwt.hex"] },
    ],
    facts: { chain: "ethereum", network: chain.network },
    build: (ctx) => {
      const execution = ctx.component(req.name);
      const engineUrl = execution === undefined ? "" : endpointOf(execution, "authrpc").url;
      const jwt = secretFileToken(jwtSecretName(req.name), "jwt.hex");
      const checkpoint = CHECKPOINT_SYNC_URLS[chain.network] ?? "";
      const host = ctx.bindHost;
      const args =
        variant.name === "lighthouse"
          ? [
              "bn",
              "--network",
              chain.network,
              "--datadir",
              volumeToken("data"),
              "--execution-endpoint",
              engineUrl,
              "--execution-jwt",
              jwt,
              "--checkpoint-sync-url",
              checkpoint,
              "--http",
              "--http-address",
              host,
              "--http-port",
              String(portOf(ctx, "http")),
              "--metrics",
              "--metrics-address",
              host,
              "--metrics-port",
              String(portOf(ctx, "metrics")),
              "--port",
              String(portOf(ctx, "p2p")),
            ]
          : [
              `--network=${chain.network}`,
              `--data-path=${volumeToken("data")}`,
              `--ee-endpoint=${engineUrl}`,
              `--ee-jwt-secret-file=${jwt}`,
              `--checkpoint-sync-url=${checkpoint}`,
              "--rest-api-enabled=true",
              `--rest-api-interface=${host}`,
              `--rest-api-port=${portOf(ctx, "http")}`,
              "--rest-api-host-allowlist=*",
              "--metrics-enabled=true",
              `--metrics-interface=${host}`,
              `--metrics-port=${portOf(ctx, "metrics")}`,
              "--metrics-host-allowlist=*",
              `--p2p-port=${portOf(ctx, "p2p")}`,
            ];
      // The teku image keeps its launcher outside PATH.
      const extra = variant.name === "teku" ? { imageCommand: ["/opt/teku/bin/teku"] } : {};
      return { run: binaryRun(variant, variant.version, args, extra) };
    },
  });
}

export const ethereumPackage: CatalogPackage = {
  id: "ethereum",
  description: "An Ethereum chain: an execution client, plus a consensus client on public networks",
  kind: "chain",
  configSchema: ethereumChainSchema,
  variants: VARIANTS,
  auto: { client: ["edr", "geth"], consensus: ["lighthouse"] },
  expand(req) {
    const chain = ethereumChainSchema.parse(req.config);
    const drafts = [executionDraft(req, chain)];
    const consensus = consensusDraft(req, chain);
    if (consensus !== undefined) drafts.push(consensus);
    return drafts;
  },
};
