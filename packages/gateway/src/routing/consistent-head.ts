/**
 * The head the gateway serves as "latest": the lowest head among upstreams in rotation (so every
 * one of them can serve it), never moving backwards (so a client never sees the chain rewind
 * when an upstream drops out or a lagging one rejoins).
 */
export interface ConsistentHead {
  readonly value: number;
  /** Offers the heads of the upstreams in rotation; true when the head advanced. */
  advance(inRotationHeads: readonly number[]): boolean;
  /** Forgets the head (the chain itself was reset, e.g. a devnet restarted from genesis). */
  reset(): void;
}

export function createConsistentHead(): ConsistentHead {
  let value = -1;
  return {
    get value() {
      return value;
    },
    advance(heads) {
      if (heads.length === 0) return false;
      const lowest = Math.min(...heads);
      if (lowest <= value) return false;
      value = lowest;
      return true;
    },
    reset() {
      value = -1;
    },
  };
}
