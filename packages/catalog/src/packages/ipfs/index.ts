/**
 * IPFS content storage: Helia in-process on the embedded target, kubo elsewhere.
 * Local kubo nodes use kubo's `test` profile (no bootstrap peers, no LAN
 * discovery) so a developer stack stays on the machine; clusters use `server`.
 */

import { draftFromVariant, portOf } from "../../draft.ts";
import { ipfsSchema } from "../../stack-schemas.ts";
import { volumeToken } from "../../tokens.ts";
import type { BuildContext, CatalogPackage, ExpandRequest, VariantDecl } from "../../types.ts";
import { imageRef, selectVariant } from "../../variants.ts";

/** The empty identity CID: any working gateway answers it without touching the network. */
const EMPTY_CID_PATH = "/ipfs/bafkqaaa";

export const VARIANTS: readonly VariantDecl[] = [
  {
    name: "helia",
    role: "client",
    description: "Helia (JavaScript IPFS) in-process, with an RPC API subset and an HTTP gateway",
    version: "7.1.15",
    module: "@cryptokube/runtime/ipfs/main",
    targets: ["embedded"],
    endpoints: [
      { name: "api", protocol: "http", port: 5001 },
      { name: "gateway", protocol: "http", port: 8080 },
    ],
    volumes: [{ name: "data", mountPath: "/data", size: "1Gi", persistent: false }],
    health: {
      readiness: [{ type: "tcp", endpoint: "api" }],
      liveness: [{ type: "tcp", endpoint: "api" }],
      startupSeconds: 30,
    },
    resources: { cpu: "250m", memory: "256Mi" },
    workload: "stateful",
  },
  {
    name: "kubo",
    role: "client",
    description: "kubo (Go IPFS) with its RPC API and HTTP gateway",
    version: "0.41.0",
    image: { repository: "ipfs/kubo", tagPrefix: "v" },
    binary: "ipfs",
    targets: ["process", "docker", "kubernetes"],
    endpoints: [
      { name: "api", protocol: "http", port: 5001 },
      { name: "gateway", protocol: "http", port: 8080 },
      { name: "swarm", protocol: "p2p", port: 4001, public: true },
    ],
    volumes: [{ name: "data", mountPath: "/data/ipfs", size: "50Gi", persistent: true }],
    health: {
      readiness: [{ type: "http", endpoint: "gateway", path: EMPTY_CID_PATH, expectStatus: 200 }],
      liveness: [{ type: "tcp", endpoint: "api" }],
      startupSeconds: 60,
    },
    metrics: { endpoint: "api", path: "/debug/metrics/prometheus" },
    resources: { cpu: "500m", memory: "1Gi" },
    workload: "stateful",
  },
];

/** Every IPv4 address but 127.0.0.0/8, and the routable IPv6 ranges, as swarm dial filters. */
const NON_LOOPBACK_FILTERS = [
  "/ip4/0.0.0.0/ipcidr/2",
  "/ip4/64.0.0.0/ipcidr/3",
  "/ip4/96.0.0.0/ipcidr/4",
  "/ip4/112.0.0.0/ipcidr/5",
  "/ip4/120.0.0.0/ipcidr/6",
  "/ip4/124.0.0.0/ipcidr/7",
  "/ip4/126.0.0.0/ipcidr/8",
  "/ip4/128.0.0.0/ipcidr/1",
  "/ip6/2000::/ipcidr/3",
  "/ip6/fc00::/ipcidr/7",
  "/ip6/fe80::/ipcidr/10",
];

/**
 * kubo takes its listen addresses from its config file only, so the node is
 * started by a short idempotent script: init once, set addresses, exec daemon.
 */
export function kuboStartScript(ctx: BuildContext): string {
  const host = ctx.bindHost;
  const local = ctx.target !== "kubernetes";
  const profile = local ? "test" : "server";
  const swarmHost = local ? host : "0.0.0.0";
  const swarm = JSON.stringify([`/ip4/${swarmHost}/tcp/${portOf(ctx, "swarm")}`]);
  // Once, at init: a local node talks to nobody. The test profile drops bootstrap
  // peers and mDNS; these drop what it leaves (AutoConf fetches, delegated HTTP
  // routers, DNS-over-HTTPS, AutoTLS) and refuse to dial any swarm address off loopback.
  const init = local
    ? [
        `ipfs init --profile=${profile}`,
        "ipfs config --json AutoConf.Enabled false",
        "ipfs config --json AutoTLS.Enabled false",
        "ipfs config Routing.Type none",
        "ipfs config --json Routing.DelegatedRouters '[]'",
        "ipfs config --json Ipns.DelegatedPublishers '[]'",
        "ipfs config --json DNS.Resolvers '{}'",
        `ipfs config --json Swarm.AddrFilters '${JSON.stringify(NON_LOOPBACK_FILTERS)}'`,
      ].join(" && ")
    : `ipfs init --profile=${profile}`;
  return [
    `export IPFS_PATH="${volumeToken("data")}"`,
    `{ [ -f "$IPFS_PATH/config" ] || { ${init}; }; }`,
    `ipfs config Addresses.API /ip4/${host}/tcp/${portOf(ctx, "api")}`,
    `ipfs config Addresses.Gateway /ip4/${host}/tcp/${portOf(ctx, "gateway")}`,
    `ipfs config --json Addresses.Swarm '${swarm}'`,
    "exec ipfs daemon --migrate",
  ].join(" && ");
}

function expand(req: ExpandRequest) {
  const config = ipfsSchema.parse(req.config);
  const choice = selectVariant(ipfsPackage, "client", config.client, req.target);
  const variant = choice.variant;
  const version = config.version ?? variant.version;
  return [
    draftFromVariant({
      name: req.name,
      kind: "storage",
      package: "ipfs",
      variant,
      variantSource: `${req.source}.client`,
      variantRequested: choice.requested,
      version,
      source: req.source,
      build: (ctx) => {
        if (variant.name === "helia") {
          return {
            run: {
              type: "node",
              module: variant.module ?? "",
              args: [
                "--host",
                ctx.bindHost,
                "--api-port",
                String(portOf(ctx, "api")),
                "--gateway-port",
                String(portOf(ctx, "gateway")),
                "--repo",
                volumeToken("data"),
              ],
            },
          };
        }
        const script = kuboStartScript(ctx);
        return {
          run: {
            type: "binary",
            binary: "sh",
            args: ["-c", script],
            image: imageRef(variant, version),
            imageCommand: ["sh"],
          },
        };
      },
    }),
  ];
}

export const ipfsPackage: CatalogPackage = {
  id: "ipfs",
  description: "Content storage on IPFS: an RPC API and an HTTP gateway",
  kind: "storage",
  configSchema: ipfsSchema,
  variants: VARIANTS,
  auto: { client: ["helia", "kubo"] },
  expand,
};
