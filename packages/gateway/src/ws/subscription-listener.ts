import type { Logger } from "pino";
import type {
  ChainContext,
  HeadNotice,
  SubscriptionRequest,
  SubscriptionSupport,
} from "../chains/chain-adapter.ts";
import { type HeadEvent, REORG_WINDOW } from "./head-feed.ts";

export interface SubscriptionListenerOptions {
  request: SubscriptionRequest;
  support: SubscriptionSupport;
  context: ChainContext;
  /** What a heads subscriber receives for a new head (a notification payload, a block hash…). */
  headResult(head: HeadNotice): unknown;
  deliver(result: unknown): void;
  logger: Logger;
  chainName: string;
}

/**
 * Turns the chain's head feed into what one subscriber receives: for heads, one result per new
 * canonical head (a reorg shows as the new chain's heads, as on a node; nothing is retracted);
 * for logs, the matching logs of each new head in order, and on a reorg the logs already
 * delivered for a dropped block again with `removed: true`. Shared by WebSocket subscriptions
 * and the gateway's polling filters.
 */
export function createSubscriptionListener(
  options: SubscriptionListenerOptions,
): (event: HeadEvent) => void {
  const { request, deliver } = options;
  if (request.kind === "heads") {
    return ({ head, removed }) => {
      if (!removed) deliver(options.headResult(head));
    };
  }
  // Logs of consecutive heads are fetched one block after the other to keep them in order.
  let queue = Promise.resolve();
  // What was delivered per block still inside the reorg window, to retract it if the block goes.
  const sent = new Map<string, unknown[]>();
  return ({ head, removed }) => {
    queue = queue
      .then(async () => {
        if (removed) {
          for (const log of sent.get(head.hash) ?? [])
            deliver({ ...(log as object), removed: true });
          sent.delete(head.hash);
          return;
        }
        const logs = await options.support.fetchLogs(options.context, request.filter, head);
        for (const log of logs) deliver(log);
        if (logs.length > 0) sent.set(head.hash, logs);
        // Map order is insertion order: the oldest blocks go first.
        for (const hash of sent.keys()) {
          if (sent.size <= REORG_WINDOW) break;
          sent.delete(hash);
        }
      })
      .catch((error: unknown) =>
        options.logger.warn(
          { chain: options.chainName, err: error },
          "logs for a subscription not fetched",
        ),
      );
  };
}
