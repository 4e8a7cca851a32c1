/** A token bucket refilled continuously at `rate` tokens per second, holding at most `burst`. */
export interface TokenBucket {
  take(): boolean;
}

export function createTokenBucket(options: {
  rate: number;
  burst: number;
  now?: () => number;
}): TokenBucket {
  const now = options.now ?? (() => performance.now());
  let tokens = options.burst;
  let last = now();
  return {
    take() {
      const t = now();
      tokens = Math.min(options.burst, tokens + ((t - last) / 1000) * options.rate);
      last = t;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
}
