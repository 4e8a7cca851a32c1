/**
 * Retries an API call the server asked us to repeat: 429 (throttled, or a new CRD's
 * storage still initializing) and 503/504, honouring Retry-After. Bounded in attempts
 * and delay; anything else is thrown at once.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { ApiException } from "@kubernetes/client-node";

const RETRYABLE = new Set([429, 503, 504]);

export interface RetryOptions {
  attempts?: number;
  /** Cap on one wait, whatever Retry-After says. */
  maxDelayMs?: number;
  signal?: AbortSignal;
}

export async function retryTransient<T>(
  call: () => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const attempts = options.attempts ?? 6;
  const maxDelay = options.maxDelayMs ?? 5000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof ApiException) || !RETRYABLE.has(error.code) || attempt >= attempts)
        throw error;
      const after = Number(error.headers["retry-after"]);
      const delay = Math.min(
        maxDelay,
        Number.isFinite(after) && after > 0 ? after * 1000 : 100 * 2 ** attempt,
      );
      await sleep(delay, undefined, options.signal === undefined ? {} : { signal: options.signal });
    }
  }
}
