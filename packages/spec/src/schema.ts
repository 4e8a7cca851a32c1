/**
 * The stack file's schema (`cryptokube.yaml`). One source for validation, the
 * TypeScript types and the exported JSON Schema. Every object is strict so that a
 * misspelled key is an error (with a did-you-mean) instead of being ignored.
 */
import { z } from "zod";

export const SCHEMA_ID = "https://cryptokube.dev/schema/stack/v1.json";

/** DNS label: names become component names, Kubernetes objects and env var parts. */
export const dnsName = z.string().regex(/^[a-z]([a-z0-9-]{0,38}[a-z0-9])?$/, {
  message: "a lowercase name of 1-40 letters, digits and '-', starting with a letter",
});

const quantityCpu = z
  .union([
    z.string().regex(/^\d+(\.\d+)?m?$/, { message: 'a CPU quantity such as "500m", "1.5" or 2' }),
    z.number().positive(),
  ])
  .describe('CPU quantity, e.g. "500m" or 2');
const quantityMemory = z
  .string()
  .regex(/^\d+(\.\d+)?(Ki|Mi|Gi|Ti|K|M|G|T)?$/, {
    message: 'a size such as "512Mi", "2Gi" or "1Ti"',
  })
  .describe('Memory or storage quantity, e.g. "512Mi" or "2Gi"');

export const resourcesSchema = z
  .strictObject({
    cpu: quantityCpu.optional().describe("CPU request; the limit is twice the request"),
    memory: quantityMemory.optional().describe("Memory request and limit"),
  })
  .describe("Resource requests and limits; defaults come from the catalog package");

export const volumeSchema = z
  .strictObject({
    size: quantityMemory.optional().describe("Persistent volume size"),
    class: z.string().min(1).optional().describe("Kubernetes storage class"),
  })
  .describe("Persistent storage for chain or content data");

const replicas = z.number().int().min(1).max(100).describe("Number of instances");

export const autoscalingSchema = z
  .strictObject({
    min: z.number().int().min(1).max(100),
    max: z.number().int().min(1).max(1000),
    cpu: z.number().int().min(1).max(100).default(70).describe("Target CPU utilisation, percent"),
  })
  .describe("Horizontal autoscaling of a stateless component");

const ethereumNetworks = ["devnet", "sepolia", "hoodi", "mainnet"] as const;
const bitcoinNetworks = ["regtest", "signet", "testnet4", "mainnet"] as const;

export const ethereumChainSchema = z
  .strictObject({
    type: z.literal("ethereum"),
    network: z.enum(ethereumNetworks).default("devnet").describe("Which Ethereum network"),
    client: z
      .enum(["auto", "edr", "geth", "reth"])
      .default("auto")
      .describe("Execution client; auto = edr on the embedded target, geth elsewhere"),
    consensus: z
      .enum(["auto", "none", "lighthouse", "teku"])
      .default("auto")
      .describe("Consensus client; auto = none on devnet, lighthouse on public networks"),
    version: z.string().min(1).optional().describe("Override the catalog's pinned client version"),
    chainId: z.number().int().min(1).optional().describe("Devnet chain id (default 31337)"),
    blockTime: z
      .number()
      .min(0)
      .max(3600)
      .optional()
      .describe("Devnet seconds between blocks; 0 mines one block per transaction"),
    mnemonic: z
      .string()
      .min(1)
      .optional()
      .describe(
        "Devnet mnemonic of the funded accounts; default: the well-known test mnemonic. Treated as public, like the stack file holding it: it shows in process lists, the dashboard's config and rendered manifests, so never use one that holds real funds",
      ),
    accounts: z.number().int().min(1).max(1000).optional().describe("Devnet funded account count"),
    balance: z.number().positive().optional().describe("Devnet balance of each account, in ETH"),
    replicas: replicas.default(1),
    resources: resourcesSchema.optional(),
    storage: volumeSchema.optional(),
  })
  .describe("An Ethereum chain and the nodes that serve it");

export const bitcoinChainSchema = z
  .strictObject({
    type: z.literal("bitcoin"),
    network: z.enum(bitcoinNetworks).default("regtest").describe("Which Bitcoin network"),
    client: z
      .enum(["auto", "btcd", "bitcoind"])
      .default("auto")
      .describe("Node software; auto = btcd"),
    version: z.string().min(1).optional(),
    lightning: z
      .strictObject({
        client: z.enum(["lnd"]).default("lnd"),
        nodes: z.number().int().min(1).max(10).default(2).describe("Lightning nodes to run"),
      })
      .optional()
      .describe("Lightning nodes on top of this chain"),
    replicas: replicas.default(1),
    resources: resourcesSchema.optional(),
    storage: volumeSchema.optional(),
  })
  .describe("A Bitcoin chain and the nodes that serve it");

export const chainSchema = z.discriminatedUnion("type", [ethereumChainSchema, bitcoinChainSchema]);

export const ipfsSchema = z
  .strictObject({
    client: z
      .enum(["auto", "helia", "kubo"])
      .default("auto")
      .describe("auto = helia on the embedded target, kubo elsewhere"),
    version: z.string().min(1).optional(),
    replicas: replicas.default(1),
    resources: resourcesSchema.optional(),
    storage: volumeSchema.optional(),
  })
  .describe("Content storage on IPFS");

export const storageSchema = z
  .strictObject({
    ipfs: ipfsSchema.optional(),
  })
  .describe("Content storage");

export const apiKeySchema = z
  .strictObject({
    name: dnsName.describe("Key name, used in metrics and logs"),
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, {
        message: "64 lowercase hex digits: the SHA-256 of the key, never the key itself",
      })
      .describe("Hex SHA-256 of the key; the key itself is never written in the stack file"),
    rateLimit: z
      .strictObject({
        rps: z.number().positive().describe("Sustained requests per second"),
        burst: z.number().int().min(1).optional().describe("Bucket size; defaults to rps"),
      })
      .optional(),
    methods: z.array(z.string().min(1)).optional().describe("Allowed JSON-RPC methods"),
  })
  .describe("An API key accepted by the gateway");

export const gatewaySchema = z
  .strictObject({
    chains: z.array(dnsName).optional().describe("Chains served; default all Ethereum chains"),
    maxLag: z
      .number()
      .int()
      .min(0)
      .default(3)
      .describe("Blocks an upstream may lag before leaving rotation"),
    cache: z
      .strictObject({
        maxBytes: z
          .number()
          .int()
          .min(0)
          .default(64 * 1024 * 1024),
        finalityDepth: z.number().int().min(0).default(12),
      })
      .optional(),
    apiKeys: z.array(apiKeySchema).optional().describe("When set, every request needs a key"),
    cors: z.strictObject({ origins: z.array(z.string().min(1)) }).optional(),
    replicas: replicas.default(2),
    autoscaling: autoscalingSchema.optional(),
    resources: resourcesSchema.optional(),
  })
  .describe("JSON-RPC gateway in front of the chains' nodes");

export const indexerSchema = z
  .strictObject({
    chain: dnsName.optional().describe("Chain to index; default the only Ethereum chain"),
    database: z
      .strictObject({
        dsnSecret: z
          .string()
          .min(1)
          .optional()
          .describe("Name of a Secret (Kubernetes) or env var (local) holding a Postgres DSN"),
      })
      .optional()
      .describe("Default: PGlite locally, a Postgres StatefulSet on Kubernetes"),
    startBlock: z.number().int().min(0).default(0),
    contracts: z
      .array(
        z.strictObject({
          name: z.string().min(1),
          address: z
            .string()
            .regex(/^0x[0-9a-fA-F]{40}$/, { message: "a 0x-prefixed address of 40 hex digits" }),
          abi: z.string().min(1).describe("Path to an ABI JSON file, relative to the stack file"),
        }),
      )
      .optional(),
    resources: resourcesSchema.optional(),
    storage: volumeSchema.optional(),
  })
  .describe("Chain data pipeline into Postgres");

export const dashboardSchema = z
  .strictObject({
    replicas: replicas.default(1),
    autoscaling: autoscalingSchema.optional(),
    resources: resourcesSchema.optional(),
  })
  .describe("Web UI: stack status, explorer, wallet, IPFS, metrics");

export const walletSchema = z
  .strictObject({
    chain: dnsName.optional().describe("Chain the wallet uses; default the only Ethereum chain"),
    faucet: z.boolean().default(true).describe("Enable the devnet faucet"),
  })
  .describe("Wallet pages in the dashboard");

export const monitoringSchema = z
  .strictObject({
    prometheus: z.boolean().default(true),
    grafana: z.boolean().default(true),
    retention: z
      .string()
      .regex(/^\d+[hdw]$/, { message: 'a duration such as "12h", "7d" or "2w"' })
      .default("7d"),
    resources: resourcesSchema.optional(),
    storage: volumeSchema.optional(),
  })
  .describe("Prometheus and Grafana for the stack");

export const servicesSchema = z
  .strictObject({
    gateway: gatewaySchema.optional(),
    indexer: indexerSchema.optional(),
    dashboard: dashboardSchema.optional(),
    wallet: walletSchema.optional(),
    monitoring: monitoringSchema.optional(),
  })
  .describe("Platform services");

export const healthCheckSchema = z
  .strictObject({
    http: z.string().startsWith("/").optional().describe("HTTP path that answers 2xx when ready"),
    tcp: z.boolean().optional().describe("Ready when the port accepts connections"),
    port: z.string().min(1).optional().describe("Named port to check; default the first"),
    command: z.string().min(1).optional().describe("Shell command that exits 0 when ready"),
    interval: z.number().positive().default(1).describe("Seconds between checks"),
    timeout: z.number().positive().default(60).describe("Seconds allowed to become ready"),
  })
  .describe("How to tell the app is ready");

export const appSchema = z
  .strictObject({
    command: z.string().min(1).optional().describe("Shell command for a local process"),
    cwd: z.string().min(1).optional().describe("Working directory, relative to the stack file"),
    image: z.string().min(1).optional().describe("Container image"),
    build: z
      .union([
        z.string().min(1),
        z.strictObject({ context: z.string().min(1), dockerfile: z.string().min(1).optional() }),
      ])
      .optional()
      .describe("Build context (and Dockerfile) for the container image"),
    env: z
      .record(
        z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, {
          message: "letters, digits and '_', not starting with a digit",
        }),
        z.union([z.string(), z.number(), z.boolean()]),
      )
      .optional()
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the stack file's reference syntax
      .describe("Environment; values may hold references such as ${chains.eth.rpc}"),
    ports: z
      .record(dnsName, z.number().int().min(1).max(65535))
      .optional()
      .describe("Named ports the app listens on"),
    depends_on: z
      .array(z.string().min(1))
      .optional()
      .describe("Apps (by name) or chains.X / storage.X / services.X started first"),
    replicas: replicas.default(1),
    autoscaling: autoscalingSchema.optional(),
    health: healthCheckSchema.optional(),
    watch: z.array(z.string().min(1)).optional().describe("Globs whose changes restart the app"),
    restart: z.enum(["always", "on-failure", "never"]).default("on-failure"),
    resources: resourcesSchema.optional(),
  })
  .describe("One of your own applications");

export const localSchema = z
  .strictObject({
    portBase: z
      .number()
      .int()
      .min(1024)
      .max(65000)
      .optional()
      .describe("First port of the stack's block of local ports; default derived from the name"),
  })
  .describe("Settings for the local targets");

export const kubernetesSchema = z
  .strictObject({
    namespace: dnsName.optional().describe("Namespace; default the stack name"),
    storageClass: z.string().min(1).optional(),
    serviceMonitors: z.enum(["auto", "on", "off"]).default("auto"),
  })
  .describe("Settings for the Kubernetes target");

export const stackSchema = z
  .strictObject({
    name: dnsName.describe("Stack name: used for namespaces, labels and state"),
    chains: z.record(dnsName, chainSchema).optional().describe("Chains and their nodes"),
    storage: storageSchema.optional(),
    services: servicesSchema.optional(),
    apps: z.record(dnsName, appSchema).optional().describe("Your own applications"),
    local: localSchema.optional(),
    kubernetes: kubernetesSchema.optional(),
  })
  .describe("A CryptoKube stack: chains, nodes, storage, platform services and apps");

export type Stack = z.output<typeof stackSchema>;
export type StackInput = z.input<typeof stackSchema>;
export type EthereumChain = z.output<typeof ethereumChainSchema>;
export type BitcoinChain = z.output<typeof bitcoinChainSchema>;
export type Chain = z.output<typeof chainSchema>;
export type App = z.output<typeof appSchema>;
export type Services = z.output<typeof servicesSchema>;
