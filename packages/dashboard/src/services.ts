/** What page handlers read from: the data sources of one dashboard instance. */
import type { Logger } from "pino";
import type { PublicClient } from "viem";
import type { AccessToken } from "./access/access-token.ts";
import type { DashboardConfig } from "./config/schema.ts";
import type { MetricsHistory } from "./metrics/metrics-history.ts";
import type { ClusterSource } from "./sources/cluster-source.ts";
import type { ContractRegistry } from "./sources/contract-registry.ts";
import type { IndexerClient } from "./sources/indexer-client.ts";
import type { IpfsClient } from "./sources/ipfs-client.ts";
import type { Redactor } from "./sources/redact.ts";
import type { Wallet } from "./wallet/create-wallet.ts";

export interface DashboardServices {
  config: DashboardConfig;
  /** The explorer's chain (absent when the stack has no single Ethereum chain). */
  chain: PublicClient | undefined;
  indexer: IndexerClient | undefined;
  contracts: ContractRegistry;
  ipfs: IpfsClient | undefined;
  wallet: Wallet | undefined;
  history: MetricsHistory;
  redact: Redactor;
  /** The stack dir whose `.cryptokube/` the supervisor writes (local targets). */
  stackDir: string | undefined;
  /** The stack's workloads and pod logs on Kubernetes (absent elsewhere). */
  cluster: ClusterSource | undefined;
  /** This dashboard's own component name (the config lists only the others). */
  self: string;
  token: AccessToken;
  logger: Logger;
}
