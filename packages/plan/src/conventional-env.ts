/**
 * Environment every app gets without asking (documented in README.md). User
 * env wins: these are merged underneath it.
 */
import type { ResolvedComponent } from "@cryptokube/catalog";
import type { Stack } from "@cryptokube/spec";
import type { EnvValue, TargetName } from "./types.ts";

/** `my-chain` → `MY_CHAIN`. */
export function envName(name: string): string {
  return name.toUpperCase().replaceAll("-", "_");
}

export interface ConventionalEnvInput {
  stack: Stack;
  target: TargetName;
  app: ResolvedComponent;
  component(name: string): ResolvedComponent | undefined;
  endpointUrl(source: string, endpoint: string): string | undefined;
}

export function conventionalEnv(input: ConventionalEnvInput): Record<string, EnvValue> {
  const { stack, app } = input;
  const env: Record<string, EnvValue> = {
    CRYPTOKUBE_STACK: stack.name,
    CRYPTOKUBE_TARGET: input.target,
  };
  const first = app.endpoints[0];
  if (first !== undefined) env.PORT = String(first.port);
  for (const e of app.endpoints) env[`PORT_${envName(e.name)}`] = String(e.port);

  const chains = Object.entries(stack.chains ?? {}).sort(([a], [b]) => a.localeCompare(b));
  const ethereum = chains.filter(([, c]) => c.type === "ethereum");
  let devnetMnemonic: string | undefined;
  for (const [name, chain] of chains) {
    const prefix = `CHAIN_${envName(name)}`;
    const rpc = input.endpointUrl(`chains.${name}`, "rpc");
    if (rpc !== undefined) env[`${prefix}_RPC_URL`] = rpc;
    const node = input.component(name);
    const facts = node?.facts ?? {};
    if (chain.type === "ethereum") {
      const ws = input.endpointUrl(`chains.${name}`, "ws");
      if (ws !== undefined) env[`${prefix}_WS_URL`] = ws;
      if (typeof facts.chainId === "number") env[`${prefix}_ID`] = String(facts.chainId);
      if (chain.network === "devnet" && typeof facts.mnemonic === "string") {
        devnetMnemonic ??= facts.mnemonic;
      }
    }
    if (typeof facts.rpcUser === "string") env[`${prefix}_RPC_USER`] = facts.rpcUser;
    if (typeof facts.rpcPassword === "string") env[`${prefix}_RPC_PASSWORD`] = facts.rpcPassword;
    if (typeof facts.rpcPasswordSecret === "string") {
      env[`${prefix}_RPC_PASSWORD`] = { secret: facts.rpcPasswordSecret, key: "password" };
    }
  }
  const [onlyEthereum, ...otherEthereum] = ethereum;
  if (onlyEthereum !== undefined && otherEthereum.length === 0) {
    const [name] = onlyEthereum;
    const rpc = input.endpointUrl(`chains.${name}`, "rpc");
    const ws = input.endpointUrl(`chains.${name}`, "ws");
    if (rpc !== undefined) env.ETH_RPC_URL = rpc;
    if (ws !== undefined) env.ETH_WS_URL = ws;
  }
  // A devnet's mnemonic is public by design (it funds test accounts only).
  if (devnetMnemonic !== undefined) env.DEVNET_MNEMONIC = devnetMnemonic;

  const services: Array<[string, string, string]> = [
    ["IPFS_API_URL", "storage.ipfs", "api"],
    ["IPFS_GATEWAY_URL", "storage.ipfs", "gateway"],
    ["GATEWAY_URL", "services.gateway", "url"],
    ["INDEXER_URL", "services.indexer", "url"],
    [
      "DASHBOARD_URL",
      stack.services?.dashboard === undefined ? "services.wallet" : "services.dashboard",
      "url",
    ],
  ];
  for (const [key, source, endpoint] of services) {
    const url = input.endpointUrl(source, endpoint);
    if (url !== undefined) env[key] = url;
  }
  return env;
}
