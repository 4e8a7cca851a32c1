/**
 * How each Ethereum method is served. Methods not listed here but in an allowed namespace are
 * "volatile": forwarded at the gateway head, never cached.
 */
export type MethodRule =
  /** Answered from the gateway's consistent head. */
  | { kind: "head" }
  /** The answer never changes (by hash, chain id): cached once non-null. */
  | { kind: "immutable" }
  /**
   * Reads state at the block given in params[index]. `optional`: the parameter may be omitted
   * (the node then uses latest), so the gateway appends its pinned head.
   */
  | { kind: "at-block"; index: number; optional: boolean; cacheable: boolean }
  /** Transaction lookups by hash: final once the containing block is finalized. */
  | { kind: "by-transaction" }
  /** State-changing or account-bound: one attempt, never de-duplicated or cached. */
  | { kind: "write" }
  | { kind: "get-logs" }
  | { kind: "send-raw-transaction" }
  /** Polling filters: served by the gateway's filter registry, never forwarded. */
  | { kind: "filter" }
  | { kind: "refused"; reason: string };

const PENDING_FILTER_REFUSED =
  "pending-transaction filters are not served by the gateway: a transaction pending on one upstream is not visible on the others";

export const ethereumMethodRules: ReadonlyMap<string, MethodRule> = new Map<string, MethodRule>([
  ["eth_blockNumber", { kind: "head" }],
  ["eth_chainId", { kind: "immutable" }],
  ["net_version", { kind: "immutable" }],
  ["eth_getBlockByHash", { kind: "immutable" }],
  ["eth_getBlockTransactionCountByHash", { kind: "immutable" }],
  ["eth_getTransactionByBlockHashAndIndex", { kind: "immutable" }],
  ["eth_getUncleCountByBlockHash", { kind: "immutable" }],
  ["eth_getUncleByBlockHashAndIndex", { kind: "immutable" }],
  ["eth_getBlockByNumber", { kind: "at-block", index: 0, optional: false, cacheable: true }],
  [
    "eth_getBlockTransactionCountByNumber",
    { kind: "at-block", index: 0, optional: false, cacheable: true },
  ],
  [
    "eth_getTransactionByBlockNumberAndIndex",
    { kind: "at-block", index: 0, optional: false, cacheable: true },
  ],
  [
    "eth_getUncleCountByBlockNumber",
    { kind: "at-block", index: 0, optional: false, cacheable: true },
  ],
  [
    "eth_getUncleByBlockNumberAndIndex",
    { kind: "at-block", index: 0, optional: false, cacheable: true },
  ],
  ["eth_getBlockReceipts", { kind: "at-block", index: 0, optional: false, cacheable: true }],
  ["eth_getBalance", { kind: "at-block", index: 1, optional: true, cacheable: true }],
  ["eth_getCode", { kind: "at-block", index: 1, optional: true, cacheable: true }],
  ["eth_getTransactionCount", { kind: "at-block", index: 1, optional: true, cacheable: true }],
  ["eth_getStorageAt", { kind: "at-block", index: 2, optional: true, cacheable: true }],
  ["eth_call", { kind: "at-block", index: 1, optional: true, cacheable: true }],
  ["eth_getProof", { kind: "at-block", index: 2, optional: false, cacheable: true }],
  ["eth_createAccessList", { kind: "at-block", index: 1, optional: true, cacheable: false }],
  ["eth_feeHistory", { kind: "at-block", index: 1, optional: false, cacheable: false }],
  ["eth_getTransactionByHash", { kind: "by-transaction" }],
  ["eth_getTransactionReceipt", { kind: "by-transaction" }],
  ["eth_getLogs", { kind: "get-logs" }],
  ["eth_sendRawTransaction", { kind: "send-raw-transaction" }],
  ["eth_sendTransaction", { kind: "write" }],
  ["eth_sign", { kind: "write" }],
  ["eth_signTransaction", { kind: "write" }],
  ["eth_signTypedData_v4", { kind: "write" }],
  ["eth_newFilter", { kind: "filter" }],
  ["eth_newBlockFilter", { kind: "filter" }],
  ["eth_newPendingTransactionFilter", { kind: "refused", reason: PENDING_FILTER_REFUSED }],
  ["eth_getFilterChanges", { kind: "filter" }],
  ["eth_getFilterLogs", { kind: "filter" }],
  ["eth_uninstallFilter", { kind: "filter" }],
  [
    "eth_subscribe",
    { kind: "refused", reason: "eth_subscribe needs a WebSocket connection to the same path" },
  ],
  [
    "eth_unsubscribe",
    { kind: "refused", reason: "eth_unsubscribe needs a WebSocket connection to the same path" },
  ],
]);

/**
 * Methods served without a special rule ("volatile": forwarded at the gateway head, never
 * cached). Together with the rules above this is the whole served surface: other names —
 * typos, admin_/debug_/evm_/hardhat_ methods — are answered -32601 by the gateway itself.
 */
export const plainMethods: ReadonlySet<string> = new Set([
  "eth_accounts",
  "eth_blobBaseFee",
  "eth_coinbase",
  "eth_estimateGas",
  "eth_gasPrice",
  "eth_getHeaderByHash",
  "eth_getHeaderByNumber",
  "eth_getRawTransactionByHash",
  "eth_hashrate",
  "eth_maxPriorityFeePerGas",
  "eth_mining",
  "eth_protocolVersion",
  "eth_simulateV1",
  "eth_syncing",
  "net_listening",
  "net_peerCount",
  "web3_clientVersion",
  "web3_sha3",
]);
