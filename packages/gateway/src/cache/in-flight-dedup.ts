/**
 * Shares one pending promise among identical requests: the first caller starts the work, later
 * callers with the same key get the same promise until it settles.
 */
export interface InFlightDedup<T> {
  run(key: string, start: () => Promise<T>): Promise<T>;
  readonly pending: number;
}

export function createInFlightDedup<T>(): InFlightDedup<T> {
  const inFlight = new Map<string, Promise<T>>();
  return {
    run(key, start) {
      const existing = inFlight.get(key);
      if (existing !== undefined) return existing;
      const promise = start().finally(() => inFlight.delete(key));
      inFlight.set(key, promise);
      return promise;
    },
    get pending() {
      return inFlight.size;
    },
  };
}
