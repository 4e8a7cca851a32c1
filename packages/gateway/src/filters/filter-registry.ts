import { randomBytes } from "node:crypto";
import type { Logger } from "pino";
import type {
  FilterRequest,
  FilterSupport,
  HeadNotice,
  SubscriptionSupport,
} from "../chains/chain-adapter.ts";
import type { ChainRuntime } from "../routing/create-chain-runtime.ts";
import {
  invalidParams,
  limitExceeded,
  RpcError,
  rpcErrorCodes,
  toRpcErrorObject,
} from "../rpc/errors.ts";
import type { JsonRpcParams, JsonRpcRequest, RpcOutcome } from "../rpc/types.ts";
import type { HeadFeed } from "../ws/head-feed.ts";
import { createSubscriptionListener } from "../ws/subscription-listener.ts";

export interface FilterLimits {
  /** Filters held per chain at most; installing one more is refused. */
  maxFilters: number;
  /** A filter not polled for this long is removed (geth's default is 5 minutes). */
  filterTimeoutMs: number;
  /** Unread changes kept per filter; past that the filter is dropped, not grown. */
  filterMaxChanges: number;
}

export interface FilterRegistry {
  /** Serves a filter method; undefined when `request` is not one. `owner` is the API key name. */
  serve(request: JsonRpcRequest, owner: string | undefined): Promise<RpcOutcome> | undefined;
  size(): number;
  stop(): void;
}

interface Filter {
  owner: string | undefined;
  request: FilterRequest;
  /** The gateway head when it was installed: changes start after it. */
  installedAt: number;
  changes: unknown[];
  overflowed: boolean;
  lastPolled: number;
  detach(): void;
}

/**
 * Polling filters for one chain, kept in the gateway and fed by the chain's head feed: each
 * filter buffers the changes it would have been sent as a subscription (new head hashes, or
 * matching logs with `removed: true` retractions on a reorg) until it is polled. Filters are
 * bound to the API key that installed them, expire when not polled, and are bounded in number
 * and in unread changes, so a forgotten filter cannot grow the gateway's memory.
 */
export function createFilterRegistry(options: {
  chain: ChainRuntime;
  support: FilterSupport;
  subscriptions: SubscriptionSupport;
  feed: HeadFeed;
  limits: FilterLimits;
  logger: Logger;
  now?: () => number;
}): FilterRegistry {
  const { chain, support, limits } = options;
  const now = options.now ?? Date.now;
  const { methods } = support;
  const filters = new Map<string, Filter>();

  const sweep = setInterval(
    () => {
      const oldest = now() - limits.filterTimeoutMs;
      for (const [id, filter] of filters) {
        if (filter.lastPolled < oldest) remove(id);
      }
    },
    Math.max(50, Math.min(10_000, limits.filterTimeoutMs / 4)),
  );
  sweep.unref();

  function remove(id: string): boolean {
    const filter = filters.get(id);
    if (filter === undefined) return false;
    filter.detach();
    filters.delete(id);
    return true;
  }

  function inRange(filter: Filter, block: number | undefined): boolean {
    if (block === undefined) return true;
    const { fromBlock, toBlock } = filter.request;
    return (
      block > filter.installedAt &&
      (fromBlock === undefined || block >= fromBlock) &&
      (toBlock === undefined || block <= toBlock)
    );
  }

  function keep(filter: Filter, result: unknown): void {
    if (filter.overflowed) return;
    let change = result;
    if (filter.request.subscription.kind === "heads") {
      const head = result as HeadNotice;
      if (!inRange(filter, head.number)) return;
      change = support.headChange(head);
    } else if (!inRange(filter, support.logBlock(result))) {
      return;
    }
    filter.changes.push(change);
    if (filter.changes.length > limits.filterMaxChanges) {
      filter.overflowed = true;
      filter.changes = [];
      filter.detach();
    }
  }

  function install(request: FilterRequest, owner: string | undefined): string {
    if (filters.size >= limits.maxFilters) {
      throw limitExceeded(
        `the gateway already holds ${limits.maxFilters} filters for chain "${chain.name}"; uninstall the ones no longer polled (${methods.uninstall}) or use a WebSocket subscription`,
      );
    }
    const id = `0x${randomBytes(16).toString("hex")}`;
    const filter: Filter = {
      owner,
      request,
      installedAt: chain.view().head,
      changes: [],
      overflowed: false,
      lastPolled: now(),
      detach: () => {},
    };
    const listener = createSubscriptionListener({
      request: request.subscription,
      support: options.subscriptions,
      context: chain.context,
      headResult: (head) => head,
      deliver: (result) => keep(filter, result),
      logger: options.logger,
      chainName: chain.name,
    });
    filter.detach = options.feed.subscribe(listener);
    filters.set(id, filter);
    return id;
  }

  /** The caller's filter named by params[0]; another key's filter is "not found" too. */
  function find(method: string, params: JsonRpcParams | undefined, owner: string | undefined) {
    const id = Array.isArray(params) ? params[0] : undefined;
    if (typeof id !== "string") throw invalidParams(`${method} expects the filter id as params[0]`);
    const filter = filters.get(id);
    // geth's wording: clients (viem among them) reinstall their filter on this error.
    if (filter === undefined || filter.owner !== owner) {
      throw new RpcError(rpcErrorCodes.serverError, "filter not found");
    }
    return { id, filter };
  }

  const answer = (result: unknown): RpcOutcome => ({
    ok: true,
    resultJson: JSON.stringify(result),
    source: "gateway",
  });

  async function serve(request: JsonRpcRequest, owner: string | undefined): Promise<RpcOutcome> {
    const { method, params } = request;
    switch (method) {
      case methods.newHeadFilter:
        return answer(install({ subscription: { kind: "heads" } }, owner));
      case methods.newLogFilter:
        return answer(install(support.parseLogFilter(params), owner));
      case methods.changes: {
        const { id, filter } = find(method, params, owner);
        if (filter.overflowed) {
          remove(id);
          throw limitExceeded(
            `filter ${id} had more than ${limits.filterMaxChanges} unread changes and was removed; install a new one and poll it more often, or narrow it`,
          );
        }
        filter.lastPolled = now();
        const changes = filter.changes;
        filter.changes = [];
        return answer(changes);
      }
      case methods.allLogs: {
        const { filter } = find(method, params, owner);
        const allLogs = filter.request.allLogs;
        if (allLogs === undefined) throw invalidParams(`${method} needs a log filter`);
        filter.lastPolled = now();
        // The same path as eth_getLogs itself: range and result limits, chunking, caching.
        return chain.handle(allLogs.method, allLogs.params);
      }
      case methods.uninstall: {
        const id = Array.isArray(params) ? params[0] : undefined;
        if (typeof id !== "string")
          throw invalidParams(`${method} expects the filter id as params[0]`);
        return answer(filters.get(id)?.owner === owner && remove(id));
      }
    }
    throw new Error(`${method} is not a filter method`);
  }

  const served = new Set(Object.values(methods));

  return {
    serve(request, owner) {
      if (!served.has(request.method)) return undefined;
      return serve(request, owner).catch((error: unknown): RpcOutcome => {
        if (!(error instanceof RpcError)) {
          options.logger.error({ err: error, chain: chain.name }, "filter request failed");
        }
        return { ok: false, error: toRpcErrorObject(error), source: "gateway" };
      });
    },
    size: () => filters.size,
    stop() {
      clearInterval(sweep);
      for (const id of [...filters.keys()]) remove(id);
    },
  };
}
