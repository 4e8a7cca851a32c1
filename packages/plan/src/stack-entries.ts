/**
 * The stack file's entries, each mapped to the catalog package that plans it.
 * This is the only place that knows the stack file's layout; what an entry
 * becomes is the package's business.
 */
import type { Stack } from "@cryptokube/spec";

export interface StackEntry {
  packageId: string;
  /** Entry name; the package names its components after it. */
  name: string;
  /** Document path of the entry. */
  source: string;
  config: unknown;
}

export function stackEntries(stack: Stack): StackEntry[] {
  const entries: StackEntry[] = [];
  for (const [name, chain] of Object.entries(stack.chains ?? {})) {
    entries.push({ packageId: chain.type, name, source: `chains.${name}`, config: chain });
    if (chain.type === "bitcoin" && chain.lightning !== undefined) {
      // Lightning nodes need the whole chain (network, node client), not only their block.
      entries.push({ packageId: "lightning", name, source: `chains.${name}`, config: chain });
    }
  }
  const ipfs = stack.storage?.ipfs;
  if (ipfs !== undefined) {
    entries.push({ packageId: "ipfs", name: "ipfs", source: "storage.ipfs", config: ipfs });
  }
  const services = stack.services ?? {};
  if (services.gateway !== undefined) {
    entries.push({
      packageId: "gateway",
      name: "gateway",
      source: "services.gateway",
      config: services.gateway,
    });
  }
  if (services.indexer !== undefined) {
    entries.push({
      packageId: "indexer",
      name: "indexer",
      source: "services.indexer",
      config: services.indexer,
    });
  }
  if (services.dashboard !== undefined || services.wallet !== undefined) {
    // The wallet lives in the dashboard: asking for a wallet plans a dashboard.
    entries.push({
      packageId: "dashboard",
      name: "dashboard",
      source: services.dashboard !== undefined ? "services.dashboard" : "services.wallet",
      config: services.dashboard ?? {},
    });
  }
  const monitoring = services.monitoring;
  if (monitoring !== undefined) {
    for (const id of ["prometheus", "grafana"] as const) {
      if (monitoring[id]) {
        entries.push({
          packageId: id,
          name: id,
          source: "services.monitoring",
          config: monitoring,
        });
      }
    }
  }
  for (const [name, app] of Object.entries(stack.apps ?? {})) {
    entries.push({ packageId: "app", name, source: `apps.${name}`, config: app });
  }
  return entries;
}
