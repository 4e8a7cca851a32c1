/**
 * Bitcoin: one full node (btcd or bitcoind). Regtest uses well-known RPC
 * credentials (like a devnet's mnemonic); other networks get a generated
 * password passed through the environment.
 */
import type { EnvValue, HealthChecks, SecretDecl } from "@cryptokube/plan/types";
import type { BitcoinChain } from "@cryptokube/spec";
import { binaryRun, draftFromVariant, listenAddress, portOf } from "../../draft.ts";
import { bitcoinChainSchema } from "../../stack-schemas.ts";
import { envToken, secretFileToken, volumeToken } from "../../tokens.ts";
import type { CatalogPackage, ExpandRequest, VariantDecl } from "../../types.ts";
import { selectVariant } from "../../variants.ts";

export const REGTEST_RPC_USER = "cryptokube";
export const REGTEST_RPC_PASSWORD = "cryptokube";
const RPC_PASSWORD_ENV = "BITCOIN_RPC_PASSWORD";

/**
 * Where btcd pays the coinbase of blocks mined with `generate` on regtest (btcd mines only
 * to configured addresses): P2SH of the script `OP_TRUE`, so anyone can spend it. That is the
 * regtest faucet: tools (`cryptokube lightning fund`) spend matured coinbases with the
 * scriptSig `REGTEST_FAUCET_SCRIPT_SIG` and need no key. Never used off regtest.
 */
export const REGTEST_FAUCET_ADDRESS = "2ND8PB9RrfCaAcjfjP1Y6nAgFd9zWHYX4DN";
/** Its redeem script (`OP_TRUE`, 0x51) and the scriptSig that spends it (a push of it). */
export const REGTEST_FAUCET_REDEEM_SCRIPT = "51";
export const REGTEST_FAUCET_SCRIPT_SIG = "0151";

const DATA_SIZES: Readonly<Record<string, string>> = {
  regtest: "10Gi",
  signet: "20Gi",
  testnet4: "100Gi",
  mainnet: "1Ti",
};

const health: HealthChecks = {
  // getblockchaininfo: ready once initialblockdownload is false; alive as soon as RPC answers.
  readiness: [{ type: "chain-synced", endpoint: "rpc", chain: "bitcoin" }],
  liveness: [{ type: "tcp", endpoint: "rpc" }],
  startupSeconds: 120,
};

// btcd's getblockchaininfo never reports initialblockdownload, and its RPC only speaks TLS
// with credentials: the probes ask whether the RPC server accepts connections.
const btcdHealth: HealthChecks = {
  readiness: [{ type: "tcp", endpoint: "rpc" }],
  liveness: [{ type: "tcp", endpoint: "rpc" }],
  startupSeconds: 60,
};

export const VARIANTS: readonly VariantDecl[] = [
  {
    name: "btcd",
    role: "client",
    description: "btcd (Go); RPC over TLS with a generated certificate",
    version: "0.26.2",
    // btcd publishes no official image; scripts/ builds this one from the pinned Go module.
    image: { repository: "cryptokube/btcd", tagPrefix: "v" },
    binary: "btcd",
    targets: ["process", "docker", "kubernetes"],
    networks: ["regtest", "signet", "mainnet"],
    endpoints: [
      { name: "rpc", protocol: "http", port: 8334, tls: true },
      { name: "p2p", protocol: "p2p", port: 8333, public: true },
    ],
    volumes: [{ name: "data", mountPath: "/data", size: "1Ti", persistent: true }],
    health: btcdHealth,
    resources: { cpu: "1", memory: "2Gi" },
    workload: "stateful",
  },
  {
    name: "bitcoind",
    role: "client",
    description: "Bitcoin Core, with ZMQ block and transaction feeds",
    version: "29.1",
    image: { repository: "bitcoin/bitcoin" },
    binary: "bitcoind",
    targets: ["docker", "kubernetes"],
    networks: ["regtest", "signet", "testnet4", "mainnet"],
    endpoints: [
      { name: "rpc", protocol: "http", port: 8332 },
      { name: "p2p", protocol: "p2p", port: 8333, public: true },
      { name: "zmqblock", protocol: "tcp", port: 28332 },
      { name: "zmqtx", protocol: "tcp", port: 28333 },
    ],
    volumes: [{ name: "data", mountPath: "/data", size: "1Ti", persistent: true }],
    health,
    resources: { cpu: "1", memory: "2Gi" },
    workload: "stateful",
  },
];

export function rpcTlsSecretName(chain: string): string {
  return `${chain}-rpc-tls`;
}
export function rpcSecretName(chain: string): string {
  return `${chain}-rpc`;
}

/** TLS material for btcd's RPC server; lnd reads the certificate to trust it. */
export function rpcTlsSecret(
  chain: string,
  namespace: string,
  cluster: boolean,
): Omit<SecretDecl, "usedBy"> {
  const hosts = cluster
    ? [chain, `${chain}.${namespace}.svc`, `${chain}.${namespace}.svc.cluster.local`]
    : ["127.0.0.1", "localhost"];
  return {
    name: rpcTlsSecretName(chain),
    generate: { kind: "tls", commonName: chain, hosts },
    keys: ["tls.crt", "tls.key"],
  };
}

/** How clients authenticate to the node's RPC: literal on regtest, a secret elsewhere. */
export interface RpcAuth {
  user: string;
  /** The value to put in args (literal, or `$(ENV)` expanded by the target). */
  passwordArg: string;
  /** Env the component needs so `passwordArg` expands. */
  env: Record<string, EnvValue>;
  secrets: Array<Omit<SecretDecl, "usedBy">>;
}

export function rpcAuth(chain: string, network: string): RpcAuth {
  if (network === "regtest") {
    return { user: REGTEST_RPC_USER, passwordArg: REGTEST_RPC_PASSWORD, env: {}, secrets: [] };
  }
  return {
    user: REGTEST_RPC_USER,
    passwordArg: envToken(RPC_PASSWORD_ENV),
    env: { [RPC_PASSWORD_ENV]: { secret: rpcSecretName(chain), key: "password" } },
    secrets: [
      { name: rpcSecretName(chain), generate: { kind: "hex", bytes: 32 }, keys: ["password"] },
    ],
  };
}

function btcdNetworkFlag(network: string): string[] {
  return network === "mainnet" ? [] : [`--${network}`];
}
function bitcoindNetworkFlag(network: string): string[] {
  return network === "mainnet" ? [] : [`-${network}`];
}

function expand(req: ExpandRequest) {
  const chain: BitcoinChain = bitcoinChainSchema.parse(req.config);
  const choice = selectVariant(bitcoinPackage, "client", chain.client, req.target);
  const variant = choice.variant;
  const version = chain.version ?? variant.version;
  const cluster = req.target === "kubernetes";
  const auth = rpcAuth(req.name, chain.network);
  const secrets = [...auth.secrets];
  if (variant.name === "btcd") secrets.push(rpcTlsSecret(req.name, req.namespace, cluster));
  const draft = draftFromVariant({
    name: req.name,
    kind: "chain",
    package: "bitcoin",
    variant,
    variantSource: `${req.source}.client`,
    variantRequested: choice.requested,
    version,
    source: req.source,
    network: chain.network,
    volumes: variant.volumes.map((v) => ({ ...v, size: DATA_SIZES[chain.network] ?? v.size })),
    resources:
      chain.network === "regtest" ? { cpu: "250m", memory: "512Mi" } : { ...variant.resources },
    secrets,
    facts: {
      chain: "bitcoin",
      network: chain.network,
      rpcUser: auth.user,
      ...(chain.network === "regtest"
        ? { rpcPassword: REGTEST_RPC_PASSWORD }
        : { rpcPasswordSecret: rpcSecretName(req.name) }),
    },
    build: (ctx) => {
      const host = ctx.bindHost;
      const args =
        variant.name === "btcd"
          ? [
              ...btcdNetworkFlag(chain.network),
              "--datadir",
              `${volumeToken("data")}/data`,
              "--logdir",
              `${volumeToken("data")}/logs`,
              "--txindex",
              "--rpclisten",
              listenAddress(ctx, "rpc"),
              "--rpcuser",
              auth.user,
              "--rpcpass",
              auth.passwordArg,
              "--rpccert",
              secretFileToken(rpcTlsSecretName(req.name), "tls.crt"),
              "--rpckey",
              secretFileToken(rpcTlsSecretName(req.name), "tls.key"),
              "--listen",
              listenAddress(ctx, "p2p"),
              // `generate` needs somewhere to pay the coinbase (see REGTEST_FAUCET_ADDRESS).
              ...(chain.network === "regtest" ? ["--miningaddr", REGTEST_FAUCET_ADDRESS] : []),
            ]
          : [
              ...bitcoindNetworkFlag(chain.network),
              `-datadir=${volumeToken("data")}`,
              "-server=1",
              "-txindex=1",
              "-printtoconsole=1",
              `-rpcbind=${host}`,
              `-rpcallowip=${cluster ? "0.0.0.0/0" : "127.0.0.1"}`,
              `-rpcport=${portOf(ctx, "rpc")}`,
              `-rpcuser=${auth.user}`,
              `-rpcpassword=${auth.passwordArg}`,
              `-bind=${listenAddress(ctx, "p2p")}`,
              `-zmqpubrawblock=tcp://${listenAddress(ctx, "zmqblock")}`,
              `-zmqpubrawtx=tcp://${listenAddress(ctx, "zmqtx")}`,
              ...(chain.network === "regtest" ? ["-fallbackfee=0.0002"] : []),
            ];
      return {
        run: binaryRun(variant, version, args),
        env: { ...auth.env },
        settings: {
          rpcAuth:
            chain.network === "regtest"
              ? { user: auth.user, password: REGTEST_RPC_PASSWORD }
              : {
                  user: auth.user,
                  passwordSecret: { secret: rpcSecretName(req.name), key: "password" },
                },
        },
      };
    },
  });
  return [draft];
}

export const bitcoinPackage: CatalogPackage = {
  id: "bitcoin",
  description: "A Bitcoin chain served by one full node",
  kind: "chain",
  configSchema: bitcoinChainSchema,
  variants: VARIANTS,
  auto: { client: ["btcd", "bitcoind"] },
  expand,
};
