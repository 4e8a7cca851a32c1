import type { UpstreamTransport } from "./upstream-transport.ts";

/**
 * Why an upstream is in or out of rotation:
 * - starting: not probed yet;
 * - healthy: in rotation;
 * - lagging: more than maxLag blocks behind the best upstream;
 * - unreachable: the last probe or request failed at the transport level;
 * - erroring: too many recent requests failed;
 * - wrong-chain: reports a different chain id, or the right one over another genesis block;
 *   never used until it reports the right chain.
 */
export type UpstreamStatus =
  | "starting"
  | "healthy"
  | "lagging"
  | "unreachable"
  | "erroring"
  | "wrong-chain";

/** Live facts about one upstream; mutated only by the probe loop and the request router. */
export interface UpstreamState {
  readonly name: string;
  readonly transport: UpstreamTransport;
  status: UpstreamStatus;
  /** Last head reported; -1 until known. Heads only grow between probes, so this is a lower bound. */
  head: number;
  /** Chain id as last reported, normalised by the adapter. */
  chainId: string | undefined;
  /** Hash of its first block as last reported; undefined until known, or if it serves none. */
  genesis: string | undefined;
  reachable: boolean;
  lastError: string | undefined;
  /** Exponentially weighted moving average of successful call latency. */
  latencyMs: number;
  inflight: number;
  /** Ring of recent request outcomes (true = transport failure). */
  readonly recentFailures: boolean[];
  recentIndex: number;
}

const FAILURE_WINDOW = 20;
const LATENCY_ALPHA = 0.2;

export function createUpstreamState(name: string, transport: UpstreamTransport): UpstreamState {
  return {
    name,
    transport,
    status: "starting",
    head: -1,
    chainId: undefined,
    genesis: undefined,
    reachable: false,
    lastError: undefined,
    latencyMs: 1,
    inflight: 0,
    recentFailures: [],
    recentIndex: 0,
  };
}

export function recordSuccess(upstream: UpstreamState, latencyMs: number): void {
  upstream.latencyMs += LATENCY_ALPHA * (latencyMs - upstream.latencyMs);
  pushOutcome(upstream, false);
}

export function recordTransportFailure(upstream: UpstreamState, reason: string): void {
  upstream.reachable = false;
  upstream.lastError = reason;
  pushOutcome(upstream, true);
}

/** A fresh successful probe after an outage starts the error window anew. */
export function resetFailures(upstream: UpstreamState): void {
  upstream.recentFailures.length = 0;
  upstream.recentIndex = 0;
}

/** More than half of at least five recent requests failed at the transport level. */
export function isErroring(upstream: UpstreamState): boolean {
  const samples = upstream.recentFailures.length;
  if (samples < 5) return false;
  let failures = 0;
  for (const failed of upstream.recentFailures) if (failed) failures++;
  return failures * 2 > samples;
}

function pushOutcome(upstream: UpstreamState, failed: boolean): void {
  if (upstream.recentFailures.length < FAILURE_WINDOW) {
    upstream.recentFailures.push(failed);
  } else {
    upstream.recentFailures[upstream.recentIndex] = failed;
    upstream.recentIndex = (upstream.recentIndex + 1) % FAILURE_WINDOW;
  }
}
