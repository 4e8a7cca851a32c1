import type { Logger } from "pino";
import type { HeadNotice, SubscriptionSupport } from "../chains/chain-adapter.ts";
import type { ChainRuntime } from "../routing/create-chain-runtime.ts";

/**
 * The stream of new heads for one chain, shared by all its subscriptions. It follows the
 * gateway's consistent head rather than one upstream's subscription: every block number from
 * the head at subscribe time onward is fetched (through the normal failover path) and emitted
 * exactly once, in order. So when an upstream fails nothing is dropped (missed numbers are
 * fetched from another upstream) and nothing is repeated (numbers only go up).
 *
 * Reorgs: a new head whose parent is not the last emitted head means the chain changed
 * under us. The feed walks back (at most REORG_WINDOW blocks) to the common ancestor,
 * emits each dropped head as `removed` (newest first), then the new chain's heads. A
 * reorg that does not make the chain longer is seen when the next block arrives.
 */
export interface HeadEvent {
  head: HeadNotice;
  /** The head left the canonical chain (subscribers retract what they sent for it). */
  removed: boolean;
}

export interface HeadFeed {
  subscribe(listener: (event: HeadEvent) => void): () => void;
  stop(): void;
}

export const REORG_WINDOW = 128;

/**
 * Reorgs handled in one go before the feed waits for the retry delay. One is a reorg; a few
 * in a row mean the upstreams serve different chains (same chain id, another genesis), and
 * following each of them in turn would retract and resend heads as fast as they answer.
 */
export const MAX_UNWINDS_PER_PASS = 3;

export function createHeadFeed(options: {
  chain: ChainRuntime;
  support: SubscriptionSupport;
  retryMs: number;
  logger: Logger;
}): HeadFeed {
  const { chain, support, logger } = options;
  const listeners = new Set<(event: HeadEvent) => void>();
  let lastEmitted = -1;
  /** Emitted heads still inside the reorg window, oldest first. */
  let recent: HeadNotice[] = [];
  let pumping = false;
  let retryTimer: NodeJS.Timeout | undefined;
  let stopped = false;

  const emit = (event: HeadEvent): void => {
    for (const listener of listeners) listener(event);
  };

  async function fetchHead(number: number): Promise<HeadNotice> {
    const notice = await support.fetchHead(chain.context, number);
    if (notice === null) throw new Error(`block ${number} not available yet`);
    return notice;
  }

  /** Drops the emitted heads the canonical chain no longer has; returns the ancestor's number. */
  async function unwind(): Promise<number> {
    let below = lastEmitted;
    while (recent.length > 0) {
      const last = recent[recent.length - 1] as HeadNotice;
      const canonical = await fetchHead(last.number);
      if (canonical.hash === last.hash) return last.number;
      recent.pop();
      below = last.number - 1;
      emit({ head: last, removed: true });
    }
    // Every head we still know was dropped (or the reorg is deeper than the window):
    // the new chain is sent from just below the oldest of them.
    return below;
  }

  async function pump(): Promise<void> {
    if (pumping || stopped || listeners.size === 0) return;
    pumping = true;
    let unwinds = 0;
    try {
      if (lastEmitted < 0) lastEmitted = chain.view().head;
      while (
        !stopped &&
        listeners.size > 0 &&
        lastEmitted >= 0 &&
        lastEmitted < chain.view().head
      ) {
        const notice = await fetchHead(lastEmitted + 1);
        const previous = recent[recent.length - 1];
        if (
          previous !== undefined &&
          previous.number === notice.number - 1 &&
          notice.parentHash !== "" &&
          notice.parentHash !== previous.hash
        ) {
          if (++unwinds > MAX_UNWINDS_PER_PASS) {
            throw new Error(
              `the upstreams disagree about the chain at block ${notice.number} (more than ${MAX_UNWINDS_PER_PASS} reorgs in one pass): are they nodes of one network?`,
            );
          }
          logger.info(
            { chain: chain.name, at: notice.number, was: previous.hash },
            "reorg: unwinding to the common ancestor",
          );
          lastEmitted = await unwind();
          continue;
        }
        lastEmitted = notice.number;
        recent.push(notice);
        if (recent.length > REORG_WINDOW) recent = recent.slice(-REORG_WINDOW);
        emit({ head: notice, removed: false });
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
      if (listeners.size === 0) {
        lastEmitted = chain.view().head;
        recent = [];
      }
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
