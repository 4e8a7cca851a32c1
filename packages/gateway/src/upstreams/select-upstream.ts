import type { UpstreamState } from "./upstream-state.ts";

/**
 * Picks among candidates by recent latency with spread: the better of two random candidates
 * ("power of two choices"), scored by latency EWMA times requests in flight, plus an occasional
 * uniform pick. Load follows the faster upstreams without starving the others, so their latency
 * estimates stay fresh (probes refresh them too).
 */
const EXPLORE_RATE = 0.05;

export function selectUpstream(
  candidates: readonly UpstreamState[],
  random: () => number = Math.random,
): UpstreamState | undefined {
  const n = candidates.length;
  if (n <= 1) return candidates[0];
  if (random() < EXPLORE_RATE) return candidates[Math.floor(random() * n)];
  const i = Math.floor(random() * n);
  let j = Math.floor(random() * (n - 1));
  if (j >= i) j++;
  const a = candidates[i]!;
  const b = candidates[j]!;
  return score(a) <= score(b) ? a : b;
}

function score(u: UpstreamState): number {
  return u.latencyMs * (1 + u.inflight);
}
