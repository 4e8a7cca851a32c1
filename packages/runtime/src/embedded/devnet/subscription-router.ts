import type { SubscriptionEvent } from "@nomicfoundation/edr";

export type SubscriptionListener = (result: unknown) => void;

export interface SubscriptionRouter {
  /** The callback given to EDR: every subscription event of the chain comes through here. */
  dispatch(event: SubscriptionEvent): void;
  register(subscriptionId: string, listener: SubscriptionListener): void;
  unregister(subscriptionId: string): void;
}

// EDR may deliver an event for a new subscription before eth_subscribe's answer has
// been processed on the JS side; a few such events are held until the listener exists.
const MAX_EARLY_EVENTS = 64;

/**
 * Routes EDR's single subscription callback to the connection that owns each
 * subscription. EDR reports a block's logs as one array; eth_subscribe("logs")
 * clients expect one notification per log (and none for blocks without matches).
 */
export function createSubscriptionRouter(): SubscriptionRouter {
  const listeners = new Map<bigint, SubscriptionListener>();
  const early = new Map<bigint, unknown[]>();
  let earlyCount = 0;

  const deliver = (listener: SubscriptionListener, result: unknown): void => {
    if (Array.isArray(result)) for (const item of result) listener(item);
    else listener(result);
  };

  return {
    dispatch(event) {
      const listener = listeners.get(event.filterId);
      if (listener !== undefined) {
        deliver(listener, event.result);
        return;
      }
      if (earlyCount >= MAX_EARLY_EVENTS) return;
      const queued = early.get(event.filterId) ?? [];
      queued.push(event.result);
      early.set(event.filterId, queued);
      earlyCount++;
    },
    register(subscriptionId, listener) {
      const key = BigInt(subscriptionId);
      listeners.set(key, listener);
      const queued = early.get(key);
      if (queued === undefined) return;
      early.delete(key);
      earlyCount -= queued.length;
      for (const result of queued) deliver(listener, result);
    },
    unregister(subscriptionId) {
      listeners.delete(BigInt(subscriptionId));
    },
  };
}
