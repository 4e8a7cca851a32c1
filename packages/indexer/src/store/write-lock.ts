/**
 * Serializes the indexer's writers (ingest, reorg reconcile, ABI re-decode) so that a
 * registration cannot slip between a batch's decode and its commit.
 */
export interface WriteLock {
  run<T>(fn: () => Promise<T>): Promise<T>;
}

export function createWriteLock(): WriteLock {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    run(fn) {
      const result = tail.then(fn, fn);
      tail = result.catch(() => {});
      return result;
    },
  };
}
