import { isErroring, type UpstreamState, type UpstreamStatus } from "./upstream-state.ts";

export interface HealthInput {
  maxLag: number;
  /** Configured chain id (normalised); when absent the majority of reachable upstreams decides. */
  expectedChainId: string | undefined;
}

export interface HealthVerdict {
  statuses: Map<string, UpstreamStatus>;
  /** The chain id upstreams are checked against this round (undefined until one answered). */
  chainId: string | undefined;
  /** Highest head among reachable upstreams on the right chain; -1 when none. */
  bestHead: number;
}

/**
 * Decides every upstream's status from the facts the probes gathered. Upstreams on the wrong
 * chain are set aside before the best head is computed, so they cannot push the others out of
 * rotation with a higher (foreign) head.
 */
export function evaluateHealth(
  upstreams: readonly UpstreamState[],
  input: HealthInput,
): HealthVerdict {
  const chainId = input.expectedChainId ?? majorityChainId(upstreams);
  let bestHead = -1;
  for (const u of upstreams) {
    if (u.reachable && u.chainId === chainId && u.head > bestHead) bestHead = u.head;
  }
  const statuses = new Map<string, UpstreamStatus>();
  for (const u of upstreams) {
    statuses.set(u.name, statusOf(u, chainId, bestHead, input.maxLag));
  }
  return { statuses, chainId, bestHead };
}

function statusOf(
  u: UpstreamState,
  chainId: string | undefined,
  bestHead: number,
  maxLag: number,
): UpstreamStatus {
  if (u.chainId === undefined && !u.reachable) {
    return u.lastError === undefined ? "starting" : "unreachable";
  }
  if (u.chainId !== undefined && u.chainId !== chainId) return "wrong-chain";
  if (!u.reachable) return "unreachable";
  if (isErroring(u)) return "erroring";
  if (bestHead - u.head > maxLag) return "lagging";
  return "healthy";
}

/** Most common chain id among reachable upstreams; ties go to the earliest in config order. */
function majorityChainId(upstreams: readonly UpstreamState[]): string | undefined {
  const counts = new Map<string, number>();
  let best: string | undefined;
  let bestCount = 0;
  for (const u of upstreams) {
    if (!u.reachable || u.chainId === undefined) continue;
    const count = (counts.get(u.chainId) ?? 0) + 1;
    counts.set(u.chainId, count);
    if (count > bestCount) {
      best = u.chainId;
      bestCount = count;
    }
  }
  return best;
}
