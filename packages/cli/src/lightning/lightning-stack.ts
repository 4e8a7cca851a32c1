/**
 * The running stack's lightning nodes and their bitcoin chain, found from the
 * plan the stack was started with (`.cryptokube/plan.json`) and its state: REST
 * and RPC URLs, credentials and where each lnd keeps its TLS certificate and
 * macaroons (the `data` volume: a directory under `.cryptokube/volumes` on the
 * process target, the Docker volume's directory on the docker target).
 */
import { existsSync, readFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { CryptoKubeError } from "@cryptokube/core";
import type { Component, Plan } from "@cryptokube/plan/types";
import { readSavedPlan, readStackState, type StackState, stateLayout } from "@cryptokube/runtime";
import { type BtcdRpc, createBtcdRpc } from "./btcd-rpc.ts";
import { createLndRest, type LndRest } from "./lnd-rest.ts";

export interface LightningNode {
  /** Component name ("btc-ln-1"). */
  name: string;
  /** 1-based position on its chain (`lightning.nodes`). */
  index: number;
  /** host:port other nodes connect to. */
  p2pAddress: string;
  network: string;
  /** The REST client; the macaroon is read on first use (the wallet may not exist yet). */
  rest(): LndRest;
}

export interface LightningChain {
  name: string;
  network: string;
  rpc: BtcdRpc;
}

export interface LightningStack {
  stackDir: string;
  stack: string;
  target: string;
  chain: LightningChain;
  nodes: LightningNode[];
}

const NOT_RUNNING_HINT = "start it with `cryptokube up --detach --target process` (or docker)";

export async function loadLightningStack(
  stackDir: string,
  options: { chain?: string; env: Record<string, string | undefined> },
): Promise<LightningStack> {
  const warnings: string[] = [];
  const plan = readSavedPlan(stackDir, warnings);
  const { state } = readStackState(stackDir);
  if (plan === undefined || state === undefined) {
    throw new CryptoKubeError(`no stack has been started in ${stackDir}`, {
      code: "STACK_NOT_RUNNING",
      hint: NOT_RUNNING_HINT,
    });
  }
  const lightning = plan.components.filter((c) => c.package === "lightning");
  const chainNames = [...new Set(lightning.map((c) => c.dependsOn[0] ?? ""))];
  if (chainNames.length === 0) {
    throw new CryptoKubeError(`stack '${plan.stack}' runs no lightning nodes`, {
      code: "LIGHTNING_NOT_IN_STACK",
      hint: "add `lightning: { nodes: 2 }` to a bitcoin chain of the stack file and restart it",
    });
  }
  const chainName = options.chain ?? (chainNames.length === 1 ? chainNames[0] : undefined);
  if (chainName === undefined || !chainNames.includes(chainName)) {
    throw new CryptoKubeError(
      options.chain === undefined
        ? `stack '${plan.stack}' has lightning on several chains: ${chainNames.join(", ")}`
        : `chain '${options.chain}' has no lightning nodes in stack '${plan.stack}'`,
      { code: "LIGHTNING_CHAIN_UNKNOWN", hint: `pick one with --chain (${chainNames.join(", ")})` },
    );
  }
  const chainComponent = componentOf(plan, chainName);
  if (chainComponent.variant !== "btcd") {
    throw new CryptoKubeError(
      `chain '${chainName}' runs ${chainComponent.variant}; these commands drive btcd`,
      { code: "LIGHTNING_BACKEND_UNSUPPORTED", hint: "use `client: btcd` for the chain" },
    );
  }
  const network = networkOf(chainComponent);
  const nodes: LightningNode[] = [];
  for (const component of lightning.filter((c) => c.dependsOn[0] === chainName)) {
    const dataDir = await dataDirOf(stackDir, plan, state, component, options.env);
    nodes.push(lightningNode(component, nodes.length + 1, network, dataDir));
  }
  return {
    stackDir,
    stack: plan.stack,
    target: plan.target,
    chain: { name: chainName, network, rpc: btcdRpc(stackDir, plan, chainComponent) },
    nodes,
  };
}

/** A node by component name ("btc-ln-1"), its suffix ("ln-1") or its index ("1"). */
export function findNode(stack: LightningStack, ref: string): LightningNode {
  const node = stack.nodes.find(
    (n) => n.name === ref || n.name === `${stack.chain.name}-${ref}` || String(n.index) === ref,
  );
  if (node === undefined) {
    throw new CryptoKubeError(`no lightning node '${ref}' in stack '${stack.stack}'`, {
      code: "LIGHTNING_NODE_UNKNOWN",
      hint: `nodes: ${stack.nodes.map((n) => `${n.name} (or ${n.index})`).join(", ")}`,
    });
  }
  return node;
}

function componentOf(plan: Plan, name: string): Component {
  const component = plan.components.find((c) => c.name === name);
  if (component === undefined) {
    throw new CryptoKubeError(`the saved plan has no component '${name}'`, {
      code: "PLAN_INCONSISTENT",
      hint: "restart the stack: `cryptokube down && cryptokube up --detach`",
    });
  }
  return component;
}

function networkOf(component: Component): string {
  const flags = component.run.type === "binary" ? component.run.args : [];
  for (const network of ["regtest", "signet", "testnet", "simnet"]) {
    if (flags.includes(`--${network}`) || flags.includes(`--bitcoin.${network}`)) return network;
  }
  return "mainnet";
}

function endpointUrl(component: Component, endpoint: string): URL {
  const found = component.endpoints.find((e) => e.name === endpoint);
  if (found === undefined) {
    throw new CryptoKubeError(`${component.name} has no '${endpoint}' endpoint in the saved plan`, {
      code: "PLAN_INCONSISTENT",
    });
  }
  return new URL(found.url);
}

function btcdRpc(stackDir: string, plan: Plan, chain: Component): BtcdRpc {
  const auth = chain.settings.rpcAuth as { user?: string; password?: string } | undefined;
  if (auth?.user === undefined || auth.password === undefined) {
    throw new CryptoKubeError(
      `chain '${chain.name}' keeps its RPC password in a secret; these commands run on regtest only`,
      { code: "LIGHTNING_NETWORK_UNSUPPORTED", hint: "use `network: regtest`" },
    );
  }
  const secret = plan.secrets.find(
    (s) => s.generate?.kind === "tls" && s.usedBy.includes(chain.name),
  );
  if (secret === undefined) {
    throw new CryptoKubeError(`chain '${chain.name}' has no RPC certificate in the plan`, {
      code: "PLAN_INCONSISTENT",
    });
  }
  return createBtcdRpc({
    url: endpointUrl(chain, "rpc").toString(),
    user: auth.user,
    password: auth.password,
    ca: readRequired(
      stateLayout(stackDir).secretFile(secret.name, "tls.crt"),
      `btcd's RPC certificate`,
    ),
    name: chain.name,
  });
}

function lightningNode(
  component: Component,
  index: number,
  network: string,
  dataDir: string,
): LightningNode {
  const p2p = endpointUrl(component, "p2p");
  const restUrl = endpointUrl(component, "rest").toString();
  let rest: LndRest | undefined;
  return {
    name: component.name,
    index,
    p2pAddress: `${p2p.hostname}:${p2p.port}`,
    network,
    rest() {
      if (rest !== undefined) return rest;
      const cert = readRequired(join(dataDir, "tls.cert"), `${component.name}'s tls.cert`);
      const macaroonFile = join(dataDir, "data", "chain", "bitcoin", network, "admin.macaroon");
      const macaroon = existsSync(macaroonFile) ? readFileSync(macaroonFile) : undefined;
      const client = createLndRest({ url: restUrl, ca: cert, macaroon, name: component.name });
      // Before the wallet exists there is no macaroon yet: look again next time.
      if (macaroon !== undefined) rest = client;
      return client;
    },
  };
}

/** Host directory of the lnd's `data` volume (its --lnddir). */
async function dataDirOf(
  stackDir: string,
  plan: Plan,
  state: StackState,
  component: Component,
  env: Record<string, string | undefined>,
): Promise<string> {
  if (plan.target !== "docker") return stateLayout(stackDir).volumeDir(component.name, "data");
  const record = state.components.find((c) => c.name === component.name);
  const mountPath = component.volumes.find((v) => v.name === "data")?.mountPath ?? "/data";
  if (record?.containerId === undefined) {
    throw new CryptoKubeError(`${component.name} has no running container`, {
      code: "STACK_NOT_RUNNING",
      hint: `${NOT_RUNNING_HINT}; \`cryptokube status\` shows why it is not running`,
    });
  }
  const socket = dockerSocket(env);
  let mounts: { Destination: string; Source: string }[];
  try {
    mounts = await inspectContainerMounts(socket, record.containerId);
  } catch (error) {
    throw new CryptoKubeError(
      `cannot inspect ${component.name}'s container through ${socket}: ${(error as Error).message}`,
      { code: "DOCKER_UNREACHABLE", retryable: true, hint: "is the Docker engine running?" },
    );
  }
  const mount = mounts.find((m) => m.Destination === mountPath);
  if (mount === undefined) {
    throw new CryptoKubeError(`${component.name}'s container mounts nothing at ${mountPath}`, {
      code: "PLAN_INCONSISTENT",
      hint: "restart the stack: `cryptokube down && cryptokube up --detach --target docker`",
    });
  }
  // A named volume's directory needs the rights of the engine's own files (root on a
  // rootful engine), the same the docker target needs to hand volumes to containers.
  return mount.Source;
}

export function dockerSocket(env: Record<string, string | undefined>): string {
  const host = env.DOCKER_HOST;
  return host?.startsWith("unix://") === true
    ? host.slice("unix://".length)
    : "/var/run/docker.sock";
}

function readRequired(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new CryptoKubeError(`cannot read ${what} at ${file}: ${(error as Error).message}`, {
      code: "LIGHTNING_CREDENTIALS_MISSING",
      retryable: true,
      hint: "the node writes it on its first start; wait for `cryptokube status` to show it ready",
    });
  }
}

export function inspectContainerMounts(
  socketPath: string,
  containerId: string,
): Promise<{ Destination: string; Source: string }[]> {
  return new Promise((resolve, reject) => {
    const req = request(
      { socketPath, path: `/containers/${encodeURIComponent(containerId)}/json`, agent: false },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          text += chunk;
        });
        res.on("end", () => {
          if (res.statusCode !== 200) {
            reject(new Error(`Docker answered HTTP ${res.statusCode}: ${text.trim()}`));
            return;
          }
          resolve(
            (JSON.parse(text) as { Mounts?: { Destination: string; Source: string }[] }).Mounts ??
              [],
          );
        });
      },
    );
    req.on("error", reject);
    req.end();
  });
}
