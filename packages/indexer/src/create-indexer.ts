import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { CryptoKubeError } from "@cryptokube/core";
import { type Logger, pino } from "pino";
import { createContractRegistry } from "./abi/contract-registry.ts";
import { createContractService } from "./abi/contract-service.ts";
import { createArtifactScanner, registerConfigContracts } from "./abi/load-contract-sources.ts";
import { createChainClient } from "./chain/create-chain-client.ts";
import { parseIndexerConfig } from "./config/parse-config.ts";
import type { IndexerConfig, IndexerConfigInput } from "./config/schema.ts";
import type { Database } from "./db/database.ts";
import { migrate } from "./db/migrate.ts";
import { openDatabase } from "./db/open-database.ts";
import { createApiServer } from "./http/create-api-server.ts";
import { createIndexerMetrics } from "./metrics/create-metrics.ts";
import { createReadQueries } from "./store/read-queries.ts";
import { initCheckpoint } from "./store/sync-state.ts";
import { createWriteLock } from "./store/write-lock.ts";
import { createDeliverer, type Deliverer } from "./subscriptions/create-deliverer.ts";
import { createSubscriptionStore } from "./subscriptions/subscription-store.ts";
import { createSyncer, type Syncer, type SyncStatus } from "./sync/create-syncer.ts";

export interface IndexerOptions {
  /** Defaults to a silent logger. DSNs and credentials are never logged. */
  logger?: Logger;
  /** Environment for the Postgres connection (PG* variables, the DSN variable). */
  env?: NodeJS.ProcessEnv;
  /** Base for relative ABI paths in `contracts[]`; default the working directory (the stack dir). */
  baseDir?: string;
}

export interface Indexer {
  readonly config: IndexerConfig;
  /**
   * Opens and migrates the database, then listens; resolves with the base URL. Connecting to
   * the chain and indexing continue in the background (/readyz turns 200 once connected).
   */
  start(): Promise<{ url: string }>;
  /** Stops indexing and deliveries, closes the server and the database. Idempotent. */
  close(): Promise<void>;
  status(): SyncStatus;
  isReady(): boolean;
  metricsText(): Promise<string>;
}

/** Builds an indexer from its config (validated here; an invalid config throws). */
export function createIndexer(
  input: IndexerConfigInput | IndexerConfig,
  options: IndexerOptions = {},
): Indexer {
  const config = parseIndexerConfig(input);
  const logger = options.logger ?? pino({ level: "silent" });
  const { tuning } = config;
  const metrics = createIndexerMetrics();
  const registry = createContractRegistry();
  const writeLock = createWriteLock();
  const chain = createChainClient({
    rpc: config.chain.rpc,
    batchSize: tuning.rpcBatchSize,
    concurrency: tuning.rpcConcurrency,
    timeoutMs: tuning.rpcTimeoutMs,
  });
  const shutdown = new AbortController();
  const artifactsDir =
    config.artifactsDir ??
    (config.database.kind === "pglite" ? join(config.database.dataDir, "contracts") : undefined);

  let db: Database | undefined;
  let syncer: Syncer | undefined;
  let deliverer: Deliverer | undefined;
  let server: ReturnType<typeof createApiServer> | undefined;
  let background: Promise<void> = Promise.resolve();
  let closing: Promise<void> | undefined;

  function status(): SyncStatus {
    return (
      syncer?.status() ?? {
        chainId: config.chain.chainId ?? 0,
        chainHead: null,
        indexedHead: null,
        finalized: null,
        lag: null,
        startBlock: config.startBlock,
      }
    );
  }

  function readiness(): { ready: boolean; reason?: string } {
    if (db === undefined) return { ready: false, reason: "database not open" };
    if (syncer === undefined) return { ready: false, reason: "connecting to the chain" };
    if (!syncer.chainReachable()) return { ready: false, reason: "chain not reachable" };
    return { ready: true };
  }

  /** Connects to the chain (retrying), then runs sync, deliveries and the artifact scan. */
  async function runBackground(
    database: Database,
    contracts: ReturnType<typeof createContractService>,
    subscriptions: ReturnType<typeof createSubscriptionStore>,
    activeDeliverer: Deliverer,
  ): Promise<void> {
    const signal = shutdown.signal;
    let chainId: number | undefined;
    for (let attempt = 1; chainId === undefined && !signal.aborted; attempt++) {
      try {
        chainId = await chain.chainId();
      } catch (error) {
        metrics.rpcErrors.inc();
        logger[attempt > 5 ? "error" : "warn"](
          { err: error, attempt },
          "chain RPC not reachable yet; retrying",
        );
        await sleep(Math.min(5_000, 200 * 2 ** attempt), undefined, { signal }).catch(() => {});
      }
    }
    if (chainId === undefined) return;
    if (config.chain.chainId !== undefined && config.chain.chainId !== chainId) {
      throw new CryptoKubeError(
        `the RPC serves chain ${chainId} but the config says chain ${config.chain.chainId}`,
        {
          code: "INDEXER_CHAIN_MISMATCH",
          hint: "point chain.rpc at the right node or gateway route",
        },
      );
    }
    const checkpoint = await initCheckpoint(database, chainId, config.startBlock);
    await registerConfigContracts(config.contracts, contracts, logger, options.baseDir);
    const scanner =
      artifactsDir === undefined
        ? undefined
        : createArtifactScanner({ dir: artifactsDir, service: contracts, logger });
    await scanner?.scan();
    for (const id of subscriptions.activeIds()) activeDeliverer.ensure(id);
    const activeSyncer = createSyncer({
      db: database,
      chain,
      registry,
      subscriptions,
      writeLock,
      metrics,
      logger,
      tuning,
      chainId,
      startBlock: checkpoint.startBlock,
      checkpoint,
      onCommit: () => activeDeliverer.wake(),
    });
    syncer = activeSyncer;
    metrics.indexedHead.set(Math.max(0, checkpoint.number));
    logger.info(
      { chainId, indexedHead: checkpoint.number, startBlock: checkpoint.startBlock },
      "indexer connected to the chain",
    );
    const scanning = (async () => {
      while (scanner !== undefined && !signal.aborted) {
        await sleep(tuning.artifactScanMs, undefined, { signal }).catch(() => {});
        if (!signal.aborted) await scanner.scan();
      }
    })();
    await Promise.all([activeSyncer.run(signal), scanning]);
  }

  return {
    config,
    status,
    isReady: () => readiness().ready,
    metricsText: () => metrics.registry.metrics(),
    async start() {
      const database = await openDatabase(config.database, options.env);
      db = database;
      try {
        await migrate(database, logger);
      } catch (error) {
        await database.close().catch(() => {});
        db = undefined;
        throw error;
      }
      const contracts = createContractService({ db: database, registry, writeLock, logger });
      await contracts.load();
      const subscriptions = createSubscriptionStore({
        db: database,
        writeLock,
        maxReplayEvents: tuning.maxReplayEvents,
      });
      await subscriptions.load();
      const activeDeliverer = createDeliverer({
        db: database,
        logger,
        metrics,
        source: `/cryptokube/indexer/${config.chain.name}`,
        timeoutMs: tuning.deliveryTimeoutMs,
        retryBaseMs: tuning.retryBaseMs,
        retryMaxMs: tuning.retryMaxMs,
      });
      deliverer = activeDeliverer;
      const api = createApiServer({
        queries: createReadQueries(database, registry),
        registry,
        contracts,
        subscriptions,
        deliverer: activeDeliverer,
        metrics,
        logger,
        status,
        ready: readiness,
      });
      server = api;
      await new Promise<void>((resolve, reject) => {
        api.once("error", reject);
        api.listen(config.port, config.host, () => {
          api.off("error", reject);
          resolve();
        });
      });
      const { port } = api.address() as AddressInfo;
      const host = config.host.includes(":") ? `[${config.host}]` : config.host;
      const url = `http://${host}:${port}`;
      logger.info({ url, chain: config.chain.name, database: database.kind }, "indexer listening");
      background = runBackground(database, contracts, subscriptions, activeDeliverer).catch(
        (error: unknown) => {
          logger.fatal({ err: error }, "indexer stopped indexing");
        },
      );
      return { url };
    },
    close() {
      closing ??= (async () => {
        shutdown.abort();
        await background;
        await deliverer?.close();
        if (server !== undefined) {
          server.closeAllConnections();
          await new Promise<void>((resolve) => server!.close(() => resolve()));
        }
        await db?.close();
      })();
      return closing;
    },
  };
}
