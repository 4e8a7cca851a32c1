/**
 * Lightning: N lnd nodes on top of a Bitcoin chain's node. On regtest each node
 * starts with an unencrypted wallet (--noseedbackup); elsewhere the wallet is
 * created and unlocked with a generated password.
 */

import { binaryRun, draftFromVariant, endpointOf, hostPort, listenAddress } from "../../draft.ts";
import { bitcoinChainSchema, lightningSchema } from "../../stack-schemas.ts";
import { secretFileToken, volumeToken } from "../../tokens.ts";
import type { CatalogPackage, ComponentDraft, ExpandRequest, VariantDecl } from "../../types.ts";
import { selectVariant } from "../../variants.ts";
import { rpcAuth, rpcTlsSecret, rpcTlsSecretName } from "../bitcoin/index.ts";

export const VARIANTS: readonly VariantDecl[] = [
  {
    name: "lnd",
    role: "client",
    description: "Lightning Network Daemon (Go), backed by the chain's btcd or bitcoind",
    version: "0.21.0-beta",
    image: { repository: "lightninglabs/lnd", tagPrefix: "v", tagSuffix: "-beta" },
    binary: "lnd",
    targets: ["process", "docker", "kubernetes"],
    networks: ["regtest", "signet", "testnet4", "mainnet"],
    endpoints: [
      { name: "grpc", protocol: "grpc", port: 10009, tls: true },
      { name: "rest", protocol: "http", port: 8080, tls: true },
      { name: "p2p", protocol: "p2p", port: 9735, public: true },
    ],
    volumes: [{ name: "data", mountPath: "/data", size: "10Gi", persistent: true }],
    health: {
      readiness: [{ type: "tcp", endpoint: "grpc" }],
      liveness: [{ type: "tcp", endpoint: "rest" }],
      startupSeconds: 120,
    },
    resources: { cpu: "250m", memory: "512Mi" },
    workload: "stateful",
  },
];

function expand(req: ExpandRequest): ComponentDraft[] {
  // The request's config is the whole chain: lnd needs its network and node client.
  const chain = bitcoinChainSchema.parse(req.config);
  const ln = chain.lightning;
  if (ln === undefined) return [];
  const choice = selectVariant(lightningPackage, "client", ln.client, req.target);
  const variant = choice.variant;
  const auth = rpcAuth(req.name, chain.network);
  const regtest = chain.network === "regtest";
  const drafts: ComponentDraft[] = [];
  for (let i = 1; i <= ln.nodes; i++) {
    const name = `${req.name}-ln-${i}`;
    const walletSecret = `${name}-wallet`;
    const secrets = [...auth.secrets];
    const backendIsBtcd = chain.client !== "bitcoind";
    if (backendIsBtcd)
      secrets.push(rpcTlsSecret(req.name, req.namespace, req.target === "kubernetes"));
    if (!regtest) {
      secrets.push({
        name: walletSecret,
        generate: { kind: "hex", bytes: 32 },
        keys: ["password"],
      });
    }
    drafts.push(
      draftFromVariant({
        name,
        kind: "chain",
        package: "lightning",
        variant,
        variantSource: `${req.source}.lightning.client`,
        variantRequested: choice.requested,
        source: `${req.source}.lightning`,
        network: chain.network,
        dependsOn: [req.name],
        secrets,
        facts: { chain: "bitcoin", network: chain.network, lightningNode: i },
        build: (ctx) => {
          const node = ctx.component(req.name);
          const backend = node?.variant ?? "btcd";
          const args = [
            `--lnddir=${volumeToken("data")}`,
            `--alias=${ctx.stack.name}-${name}`,
            `--bitcoin.${chain.network}`,
            `--bitcoin.node=${backend}`,
            `--rpclisten=${listenAddress(ctx, "grpc")}`,
            `--restlisten=${listenAddress(ctx, "rest")}`,
            `--listen=${listenAddress(ctx, "p2p")}`,
          ];
          if (ctx.target === "kubernetes") {
            args.push(`--tlsextradomain=${name}.${ctx.namespace}.svc.cluster.local`);
          }
          if (regtest) {
            // No seed to back up, and no peer discovery: a local chain's peers are ours.
            args.push("--noseedbackup", "--nobootstrap");
          } else {
            args.push(
              `--wallet-unlock-password-file=${secretFileToken(walletSecret, "password")}`,
              "--wallet-unlock-allow-create",
            );
          }
          if (node !== undefined && backend === "btcd") {
            args.push(
              `--btcd.rpchost=${hostPort(endpointOf(node, "rpc"))}`,
              `--btcd.rpcuser=${auth.user}`,
              `--btcd.rpcpass=${auth.passwordArg}`,
              `--btcd.rpccert=${secretFileToken(rpcTlsSecretName(req.name), "tls.crt")}`,
            );
          } else if (node !== undefined) {
            args.push(
              `--bitcoind.rpchost=${hostPort(endpointOf(node, "rpc"))}`,
              `--bitcoind.rpcuser=${auth.user}`,
              `--bitcoind.rpcpass=${auth.passwordArg}`,
              `--bitcoind.zmqpubrawblock=tcp://${hostPort(endpointOf(node, "zmqblock"))}`,
              `--bitcoind.zmqpubrawtx=tcp://${hostPort(endpointOf(node, "zmqtx"))}`,
            );
          }
          return { run: binaryRun(variant, variant.version, args), env: { ...auth.env } };
        },
      }),
    );
  }
  return drafts;
}

export const lightningPackage: CatalogPackage = {
  id: "lightning",
  description: "Lightning Network nodes on top of a Bitcoin chain",
  kind: "chain",
  configSchema: lightningSchema,
  variants: VARIANTS,
  auto: { client: ["lnd"] },
  expand,
};
