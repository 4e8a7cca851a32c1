import type { JsonRpcErrorObject, JsonRpcParams, RpcOutcome } from "../rpc/types.ts";

/**
 * Everything chain-specific lives behind this interface: how to probe a node, which methods
 * exist and how each is routed, cached and retried, and how node errors are classified. The
 * router, cache, de-duplication, batching, access control and servers never look at a method
 * name. Ethereum implements it now; a Bitcoin Core adapter (getblockchaininfo for head and
 * chain, getblock by hash cacheable, …) plugs in the same way.
 */
export interface ChainAdapter {
  readonly type: string;
  /** Normalises a configured chain id to the form probeChainId returns. */
  formatChainId(configured: number): string;
  probeChainId(call: UpstreamCall): Promise<string>;
  probeHead(call: UpstreamCall): Promise<number>;
  /**
   * Hash of the chain's first block. Two chains can share a chain id (two devnets started
   * apart, a testnet and its fork): only the genesis tells their nodes apart.
   */
  probeGenesis(call: UpstreamCall): Promise<string>;
  /** Undefined when the method may be served; otherwise the reason it is not (answered -32601). */
  refuseMethod(method: string): string | undefined;
  /** Metric label for a method: its name when known, a fixed bucket otherwise (bounded cardinality). */
  methodLabel(method: string): string;
  /** Decides how one request is served. Throws RpcError for invalid params. */
  planRequest(method: string, params: JsonRpcParams | undefined, view: ChainView): RequestPlan;
  /** "retry-elsewhere" for answers that mean "not available on this node" (pruned, behind…). */
  classifyError(error: JsonRpcErrorObject): ErrorClass;
  /** Real-time subscriptions, when the chain has them. */
  readonly subscriptions?: SubscriptionSupport;
  /** Polling filters served by the gateway itself (built on the subscriptions above). */
  readonly filters?: FilterSupport;
}

/** One call to one upstream; rejects on transport errors and on JSON-RPC errors (UpstreamRpcError). */
export type UpstreamCall = (method: string, params: unknown[]) => Promise<unknown>;

export type ErrorClass = "retry-elsewhere" | "final";

/** The gateway's consistent view of a chain at the moment a request is planned. */
export interface ChainView {
  /** Gateway head: monotonic, and every upstream in rotation has it. -1 until known. */
  head: number;
  /** Highest block treated as immutable (head - finalityDepth); -1 until known. */
  finalized: number;
}

/** "always"/"never", or a test on the (non-null) result for answers only final once deep enough. */
export type CacheRule = "always" | "never" | ((result: unknown) => boolean);

export interface ForwardRequest {
  method: string;
  params: JsonRpcParams | undefined;
  /** Only upstreams whose head is at least this block may serve it. */
  minBlock: number;
  cache: CacheRule;
  /** Identical requests in flight share one upstream call. */
  dedup: boolean;
  /** "read": retried on another upstream after transport and not-available errors; "once": one attempt. */
  retry: "read" | "once";
  /**
   * The block a result reveals (a receipt's block, a block fetched by hash). The answer is held
   * until the gateway head reaches that block (a head refresh is triggered at once); if it does
   * not within a probe interval, the client gets `null` ("not yet") instead — a client must never
   * learn of a block it then cannot read at "latest".
   */
  visibleAt?: (result: unknown) => number | undefined;
}

export type RequestPlan =
  | ({ kind: "forward" } & ForwardRequest)
  | { kind: "local"; result: unknown }
  | { kind: "custom"; run(context: ChainContext): Promise<RpcOutcome> };

/** What custom handlers (log splitting, transaction sending…) may use. */
export interface ChainContext {
  view(): ChainView;
  limits: { logsMaxRange: number; logsMaxResults: number; logsChunkBlocks: number };
  /** The generic path: cache, de-duplication, upstream selection and retries. */
  forward(request: ForwardRequest): Promise<RpcOutcome>;
  /** One attempt on one upstream not in `exclude`; undefined when none is left. */
  attemptOnce(
    method: string,
    params: unknown[],
    options: { minBlock: number; exclude: ReadonlySet<string> },
  ): Promise<SingleAttempt | undefined>;
  /** A follow-up call on a named upstream (e.g. to confirm a transaction it rejected). */
  callOn(upstream: string, method: string, params: unknown[]): Promise<unknown>;
}

export type SingleAttempt =
  | { upstream: string; ok: true; result: unknown }
  | { upstream: string; ok: false; error: JsonRpcErrorObject }
  | { upstream: string; ok: false; transportError: Error };

/** A client subscription the adapter understood. */
export type SubscriptionRequest =
  | { kind: "heads" }
  | { kind: "logs"; filter: Record<string, unknown> };

export interface SubscriptionSupport {
  subscribeMethod: string;
  unsubscribeMethod: string;
  notificationMethod: string;
  /** Throws RpcError (-32602) for unknown kinds or bad filters. */
  parseSubscribe(params: JsonRpcParams | undefined): SubscriptionRequest;
  /** The notification payload for block `number`, or null if no upstream has it yet. */
  fetchHead(context: ChainContext, number: number): Promise<HeadNotice | null>;
  /** Logs of one block matching a filter, in order. */
  fetchLogs(
    context: ChainContext,
    filter: Record<string, unknown>,
    head: HeadNotice,
  ): Promise<unknown[]>;
}

export interface HeadNotice {
  number: number;
  hash: string;
  /** Empty when the chain does not say; a mismatch with the previous head means a reorg. */
  parentHash: string;
  /** What subscribers receive. */
  payload: unknown;
}

/** A polling filter as a client installed it. */
export interface FilterRequest {
  /** What the filter follows on the head feed. */
  subscription: SubscriptionRequest;
  /** Only changes in blocks from..to (inclusive) are kept; undefined = unbounded. */
  fromBlock?: number;
  toBlock?: number;
  /** For log filters: the one-shot query that answers "all logs of this filter". */
  allLogs?: { method: string; params: unknown[] };
}

/**
 * Polling filters (Ethereum's eth_newFilter family). The gateway serves them from its own head
 * feed instead of installing them on one upstream, so a filter survives the death of any node
 * and sees exactly the canonical heads the gateway advertises.
 */
export interface FilterSupport {
  methods: {
    newLogFilter: string;
    newHeadFilter: string;
    changes: string;
    allLogs: string;
    uninstall: string;
  };
  /** Throws RpcError (-32602) for bad criteria. */
  parseLogFilter(params: JsonRpcParams | undefined): FilterRequest;
  /** What a head filter returns for a new head (Ethereum: the block hash). */
  headChange(head: HeadNotice): unknown;
  /** The block a log change is in, for the filter's block range. */
  logBlock(log: unknown): number | undefined;
}
