import { Counter, Gauge, Registry } from "prom-client";

/**
 * The indexer's Prometheus metrics, on a registry owned by this indexer instance (never the
 * global default registry), so several indexers in one process (tests) never collide.
 */
export interface IndexerMetrics {
  registry: Registry;
  indexedHead: Gauge;
  chainHead: Gauge;
  finalized: Gauge;
  lag: Gauge;
  blocksPerSecond: Gauge;
  blocksIndexed: Counter;
  rowsWritten: Counter<"table">;
  reorgs: Counter;
  reorgDepth: Gauge;
  deliveries: Counter<"type">;
  deliveryFailures: Counter;
  rpcErrors: Counter;
}

export function createIndexerMetrics(): IndexerMetrics {
  const registry = new Registry();
  const registers = [registry];
  return {
    registry,
    indexedHead: new Gauge({
      name: "cryptokube_indexer_indexed_head_block",
      help: "Highest block whose data is committed",
      registers,
    }),
    chainHead: new Gauge({
      name: "cryptokube_indexer_chain_head_block",
      help: "Latest block number the chain reported",
      registers,
    }),
    finalized: new Gauge({
      name: "cryptokube_indexer_finalized_block",
      help: "Highest block treated as permanent (chain head minus the finality depth)",
      registers,
    }),
    lag: new Gauge({
      name: "cryptokube_indexer_lag_blocks",
      help: "Chain head minus indexed head",
      registers,
    }),
    blocksPerSecond: new Gauge({
      name: "cryptokube_indexer_blocks_per_second",
      help: "Blocks indexed per second over the last batch",
      registers,
    }),
    blocksIndexed: new Counter({
      name: "cryptokube_indexer_blocks_indexed_total",
      help: "Blocks written (re-ingested blocks after a reorg count again)",
      registers,
    }),
    rowsWritten: new Counter({
      name: "cryptokube_indexer_rows_written_total",
      help: "Rows inserted, by table",
      labelNames: ["table"],
      registers,
    }),
    reorgs: new Counter({
      name: "cryptokube_indexer_reorgs_total",
      help: "Chain reorganizations reconciled",
      registers,
    }),
    reorgDepth: new Gauge({
      name: "cryptokube_indexer_last_reorg_depth_blocks",
      help: "Blocks rolled back by the last reorganization",
      registers,
    }),
    deliveries: new Counter({
      name: "cryptokube_indexer_deliveries_total",
      help: "Webhook deliveries acknowledged, by CloudEvent kind (event, retracted)",
      labelNames: ["type"],
      registers,
    }),
    deliveryFailures: new Counter({
      name: "cryptokube_indexer_delivery_failures_total",
      help: "Webhook delivery attempts that failed (timeout, error status, unreachable)",
      registers,
    }),
    rpcErrors: new Counter({
      name: "cryptokube_indexer_rpc_errors_total",
      help: "Failed reads from the chain's JSON-RPC endpoint",
      registers,
    }),
  };
}
