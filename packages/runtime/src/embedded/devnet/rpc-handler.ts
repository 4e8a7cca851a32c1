import type { EmbeddedLogger } from "../logger.ts";
import { type ChainJournal, isStateChanging, type RequestRecord } from "./chain-journal.ts";
import type { EdrChain, RpcOutcome } from "./edr-chain.ts";
import type { IntervalMiner } from "./interval-miner.ts";
import type { SubscriptionRouter } from "./subscription-router.ts";

/** Where a call came from; only WebSocket connections can hold subscriptions. */
export interface RpcConnection {
  subscriber?: {
    notify(subscriptionId: string, result: unknown): void;
    /** Subscription ids this connection owns, so it can only cancel its own. */
    owned: Set<string>;
  };
}

export interface RpcHandler {
  call(method: string, params: unknown[], connection: RpcConnection): Promise<RpcOutcome>;
  /** Cancels every subscription of a closed connection. */
  release(connection: RpcConnection): Promise<void>;
  /** Resolves when every state-changing call accepted so far has been applied and journaled. */
  drain(): Promise<void>;
}

export function createRpcHandler(context: {
  chain: EdrChain;
  journal: ChainJournal | undefined;
  router: SubscriptionRouter;
  miner: IntervalMiner;
  logger: EmbeddedLogger;
}): RpcHandler {
  const { chain, journal, router, miner, logger } = context;
  // State-changing calls run one at a time so the journal order is the order EDR applied them.
  let writes: Promise<unknown> = Promise.resolve();

  const applyAndJournal = async (method: string, params: unknown[]): Promise<RpcOutcome> => {
    if (journal === undefined) return chain.call(method, params);
    const before = await blockNumber(chain);
    const outcome = await chain.call(method, params);
    if ("error" in outcome) return outcome;
    const after = await blockNumber(chain);
    const entry: RequestRecord = {
      kind: "request",
      method,
      params,
      at: Math.floor(Date.now() / 1000),
    };
    if (before !== undefined && after !== undefined && after > before) {
      const block = await chain.call("eth_getBlockByNumber", [
        `0x${(before + 1).toString(16)}`,
        false,
      ]);
      if ("result" in block) {
        entry.blockTime = Number((block.result as { timestamp: string }).timestamp);
      }
    }
    try {
      journal.record(entry);
    } catch (error) {
      logger.error(
        { err: error, method },
        "devnet could not journal a state change; it will be lost on restart",
      );
    }
    return outcome;
  };

  const afterPendingWrites = (work: () => Promise<RpcOutcome>): Promise<RpcOutcome> => {
    const result = writes.then(work);
    writes = result.catch(() => undefined);
    return result;
  };

  return {
    async call(method, params, connection) {
      logger.debug?.({ method }, "devnet rpc request");
      switch (method) {
        case "evm_setIntervalMining":
          // Queued behind pending blocks, so once it answers no more blocks are mined.
          return afterPendingWrites(async () => setIntervalMining(miner, params));
        case "eth_subscribe":
          return subscribe(chain, router, params, connection);
        case "eth_unsubscribe":
          return unsubscribe(chain, router, params, connection);
        default:
          return isStateChanging(method)
            ? afterPendingWrites(() => applyAndJournal(method, params))
            : chain.call(method, params);
      }
    },
    async release(connection) {
      const owned = connection.subscriber?.owned;
      if (owned === undefined) return;
      for (const id of owned) {
        router.unregister(id);
        await chain.call("eth_unsubscribe", [id]);
      }
      owned.clear();
    },
    drain: () => writes.then(() => undefined),
  };
}

async function blockNumber(chain: EdrChain): Promise<number | undefined> {
  const outcome = await chain.call("eth_blockNumber", []);
  return "result" in outcome ? Number(outcome.result) : undefined;
}

function setIntervalMining(miner: IntervalMiner, params: unknown[]): RpcOutcome {
  const [interval] = params;
  // Hardhat accepts a number of milliseconds or a [min, max] range; a range uses its minimum.
  const ms = Array.isArray(interval) ? interval[0] : interval;
  if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0) {
    return {
      error: {
        code: -32602,
        message: "evm_setIntervalMining expects milliseconds >= 0 (or [min, max])",
      },
    };
  }
  miner.setInterval(ms);
  return { result: true };
}

const WEBSOCKET_ONLY = {
  code: -32601,
  message: "subscriptions are only available over WebSocket (connect to the ws:// URL)",
};

async function subscribe(
  chain: EdrChain,
  router: SubscriptionRouter,
  params: unknown[],
  connection: RpcConnection,
): Promise<RpcOutcome> {
  const subscriber = connection.subscriber;
  if (subscriber === undefined) return { error: WEBSOCKET_ONLY };
  const outcome = await chain.call("eth_subscribe", params);
  if ("result" in outcome && typeof outcome.result === "string") {
    const id = outcome.result;
    subscriber.owned.add(id);
    router.register(id, (result) => subscriber.notify(id, result));
  }
  return outcome;
}

async function unsubscribe(
  chain: EdrChain,
  router: SubscriptionRouter,
  params: unknown[],
  connection: RpcConnection,
): Promise<RpcOutcome> {
  const subscriber = connection.subscriber;
  if (subscriber === undefined) return { error: WEBSOCKET_ONLY };
  const [id] = params;
  if (typeof id !== "string") {
    return { error: { code: -32602, message: "eth_unsubscribe expects a subscription id" } };
  }
  if (!subscriber.owned.has(id)) return { result: false };
  subscriber.owned.delete(id);
  router.unregister(id);
  return chain.call("eth_unsubscribe", [id]);
}
