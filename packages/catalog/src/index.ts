export { BUILTIN_PACKAGES, CATALOG, createCatalog } from "./catalog.ts";
export {
  describePackage,
  listPackages,
  type PackageDescription,
  type PackageSummary,
  type VariantDescription,
} from "./describe.ts";
export {
  binaryRun,
  draftFromVariant,
  endpointOf,
  hostPort,
  imageRun,
  listenAddress,
  platformRun,
  portOf,
} from "./draft.ts";
export { appPackage } from "./packages/app/index.ts";
export { bitcoinPackage } from "./packages/bitcoin/index.ts";
export { type DashboardConfig, dashboardPackage } from "./packages/dashboard/index.ts";
export { ethereumPackage } from "./packages/ethereum/index.ts";
export { type GatewayConfig, gatewayPackage } from "./packages/gateway/index.ts";
export { grafanaPackage } from "./packages/grafana/index.ts";
export { type IndexerConfig, indexerPackage } from "./packages/indexer/index.ts";
export { ipfsPackage } from "./packages/ipfs/index.ts";
export { lightningPackage } from "./packages/lightning/index.ts";
export { postgresPackage } from "./packages/postgres/index.ts";
export { prometheusPackage, type ScrapeConfig } from "./packages/prometheus/index.ts";
export { PLATFORM_IMAGE, PLATFORM_VERSION } from "./platform.ts";
export { cpuQuantity, doubleCpu, limitsFor, resolveResources } from "./resources.ts";
export { envToken, fileToken, secretFileToken, volumeToken } from "./tokens.ts";
export type * from "./types.ts";
export {
  autoVariantFor,
  imageRef,
  selectVariant,
  type VariantChoice,
  variantNames,
} from "./variants.ts";
