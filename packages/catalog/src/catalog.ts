/**
 * The registry of packages. `createCatalog()` returns the built-in packages,
 * optionally with extra ones (tests, plugins): the planner only ever talks to a
 * `Catalog`, so a new client is a new package module registered here.
 */
import { CryptoKubeError } from "@cryptokube/core";
import { appPackage } from "./packages/app/index.ts";
import { bitcoinPackage } from "./packages/bitcoin/index.ts";
import { dashboardPackage } from "./packages/dashboard/index.ts";
import { ethereumPackage } from "./packages/ethereum/index.ts";
import { gatewayPackage } from "./packages/gateway/index.ts";
import { grafanaPackage } from "./packages/grafana/index.ts";
import { indexerPackage } from "./packages/indexer/index.ts";
import { ipfsPackage } from "./packages/ipfs/index.ts";
import { lightningPackage } from "./packages/lightning/index.ts";
import { postgresPackage } from "./packages/postgres/index.ts";
import { prometheusPackage } from "./packages/prometheus/index.ts";
import type { Catalog, CatalogPackage } from "./types.ts";

export const BUILTIN_PACKAGES: readonly CatalogPackage[] = [
  ethereumPackage,
  bitcoinPackage,
  lightningPackage,
  ipfsPackage,
  gatewayPackage,
  indexerPackage,
  dashboardPackage,
  postgresPackage,
  prometheusPackage,
  grafanaPackage,
  appPackage,
];

export function createCatalog(options: { packages?: readonly CatalogPackage[] } = {}): Catalog {
  const packages = [...BUILTIN_PACKAGES, ...(options.packages ?? [])];
  const byId = new Map<string, CatalogPackage>();
  for (const pkg of packages) {
    if (byId.has(pkg.id)) {
      throw new CryptoKubeError(`two catalog packages share the id '${pkg.id}'`, {
        code: "CATALOG_DUPLICATE_PACKAGE",
        hint: "give the added package another id",
      });
    }
    byId.set(pkg.id, pkg);
  }
  return { packages, get: (id) => byId.get(id) };
}

/** The built-in catalog (immutable data; safe to share). */
export const CATALOG: Catalog = createCatalog();
