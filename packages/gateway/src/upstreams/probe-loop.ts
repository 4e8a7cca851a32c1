import type { UpstreamState } from "./upstream-state.ts";

export interface ProbeLoopOptions {
  upstreams: readonly UpstreamState[];
  intervalMs: number;
  /** Probes one upstream, updating its state; must not throw. */
  probe(upstream: UpstreamState): Promise<void>;
  /** Called after every probe so the chain can re-evaluate health and its head. */
  afterProbe(upstream: UpstreamState): void;
}

export interface ProbeLoop {
  /** Probes every upstream once and resolves when all answered or failed. */
  probeAll(): Promise<void>;
  start(): void;
  stop(): void;
}

/** One timer chain per upstream, so a slow upstream never delays the probes of the others. */
export function createProbeLoop(options: ProbeLoopOptions): ProbeLoop {
  const timers = new Map<string, NodeJS.Timeout>();
  let running = false;

  async function probeOne(upstream: UpstreamState): Promise<void> {
    await options.probe(upstream);
    options.afterProbe(upstream);
  }

  function schedule(upstream: UpstreamState): void {
    if (!running) return;
    const timer = setTimeout(() => {
      // probe() never throws; the finally keeps the chain alive even if afterProbe had a bug.
      void probeOne(upstream)
        .catch(() => {})
        .finally(() => schedule(upstream));
    }, options.intervalMs);
    timer.unref();
    timers.set(upstream.name, timer);
  }

  return {
    probeAll: () => Promise.all(options.upstreams.map(probeOne)).then(() => undefined),
    start() {
      running = true;
      for (const upstream of options.upstreams) schedule(upstream);
    },
    stop() {
      running = false;
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
}
