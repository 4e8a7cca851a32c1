import type { Logger } from "pino";
import type { HeadNotice, SubscriptionSupport } from "../chains/chain-adapter.ts";
import type { ChainRuntime } from "../routing/create-chain-runtime.ts";

/**
 * The stream of new heads for one chain, shared by all its subscriptions. It follows the
 * gateway's consistent head rather than one upstream's subscription: every block number from
 * the head at subscribe time onward is fetched (through the normal failover path) and emitted
 * exactly once, in order. So when an upstream fails nothing is dropped (missed numbers are
 * fetched from another upstream) and nothing is repeated (numbers only go up).
 */
export interface HeadFeed {
  subscribe(listener: (head: HeadNotice) => void): () => void;
  stop(): void;
}

export function createHeadFeed(options: {
  chain: ChainRuntime;
  support: SubscriptionSupport;
  retryMs: number;
  logger: Logger;
}): HeadFeed {
  const { chain, support, logger } = options;
  const listeners = new Set<(head: HeadNotice) => void>();
  let lastEmitted = -1;
  let pumping = false;
  let retryTimer: NodeJS.Timeout | undefined;
  let stopped = false;

  async function pump(): Promise<void> {
    if (pumping || stopped || listeners.size === 0) return;
    pumping = true;
    try {
      if (lastEmitted < 0) lastEmitted = chain.view().head;
      while (
        !stopped &&
        listeners.size > 0 &&
        lastEmitted >= 0 &&
        lastEmitted < chain.view().head
      ) {
        const notice = await support.fetchHead(chain.context, lastEmitted + 1);
        if (notice === null) throw new Error(`block ${lastEmitted + 1} not available yet`);
        lastEmitted = notice.number;
        for (const listener of listeners) listener(notice);
      }
    } catch (error) {
      logger.warn({ chain: chain.name, err: error }, "new head not fetched; retrying");
      retryTimer ??= setTimeout(() => {
        retryTimer = undefined;
        void pump();
      }, options.retryMs);
    } finally {
      pumping = false;
    }
  }

  const unsubscribeHead = chain.onHead(() => void pump());

  return {
    subscribe(listener) {
      if (listeners.size === 0) lastEmitted = chain.view().head;
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop() {
      stopped = true;
      unsubscribeHead();
      clearTimeout(retryTimer);
      listeners.clear();
    },
  };
}
