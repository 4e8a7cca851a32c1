import { isErroring, type UpstreamState, type UpstreamStatus } from "./upstream-state.ts";

export interface HealthInput {
  maxLag: number;
  /** Configured chain id (normalised); when absent the majority of reachable upstreams decides. */
  expectedChainId: string | undefined;
  /** The genesis adopted last round: it wins ties, so two nodes disagreeing cannot flip it. */
  previousGenesis?: string | undefined;
}

export interface HealthVerdict {
  statuses: Map<string, UpstreamStatus>;
  /** The chain id upstreams are checked against this round (undefined until one answered). */
  chainId: string | undefined;
  /**
   * The genesis block hash of the chain served: the majority among reachable upstreams with the
   * chain id, decided anew each round (a devnet restarted from a new genesis is still the chain).
   */
  genesis: string | undefined;
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
  const chainId = input.expectedChainId ?? majority(upstreams, (u) => u.chainId);
  const genesis = majority(
    upstreams,
    (u) => (u.chainId === chainId ? u.genesis : undefined),
    input.previousGenesis,
  );
  const onChain = (u: UpstreamState) =>
    u.chainId === chainId &&
    (genesis === undefined || u.genesis === undefined || u.genesis === genesis);
  let bestHead = -1;
  for (const u of upstreams) {
    if (u.reachable && onChain(u) && u.head > bestHead) bestHead = u.head;
  }
  const statuses = new Map<string, UpstreamStatus>();
  for (const u of upstreams) {
    statuses.set(u.name, statusOf(u, onChain, bestHead, input.maxLag));
  }
  return { statuses, chainId, genesis, bestHead };
}

function statusOf(
  u: UpstreamState,
  onChain: (u: UpstreamState) => boolean,
  bestHead: number,
  maxLag: number,
): UpstreamStatus {
  if (u.chainId === undefined && !u.reachable) {
    return u.lastError === undefined ? "starting" : "unreachable";
  }
  if (u.chainId !== undefined && !onChain(u)) return "wrong-chain";
  if (!u.reachable) return "unreachable";
  if (isErroring(u)) return "erroring";
  if (bestHead - u.head > maxLag) return "lagging";
  return "healthy";
}

/** Most common value among reachable upstreams; ties go to `preferred`, else config order. */
function majority(
  upstreams: readonly UpstreamState[],
  pick: (u: UpstreamState) => string | undefined,
  preferred?: string,
): string | undefined {
  const counts = new Map<string, number>();
  let best: string | undefined;
  let bestCount = 0;
  for (const u of upstreams) {
    const value = u.reachable ? pick(u) : undefined;
    if (value === undefined) continue;
    const count = (counts.get(value) ?? 0) + 1;
    counts.set(value, count);
    if (count > bestCount || (count === bestCount && value === preferred)) {
      best = value;
      bestCount = count;
    }
  }
  return best;
}
