/**
 * When and how fast a crashed component comes back: exponential backoff
 * (250 ms doubling to 10 s), and a crash-loop limit (5 crashes within 60 s) after
 * which the component is marked failed instead of restarted forever.
 */
import type { Component } from "@cryptokube/plan/types";

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** Crashes within `windowMs` that make the component "failed". */
  crashLimit: number;
  windowMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = {
  initialMs: 250,
  maxMs: 10_000,
  crashLimit: 5,
  windowMs: 60_000,
};

export interface ProcessExit {
  code: number | null;
  signal: string | null;
}

export function shouldRestart(policy: Component["restart"], exit: ProcessExit): boolean {
  if (policy === "always") return true;
  if (policy === "never") return false;
  return exit.code !== 0 || exit.signal !== null;
}

export type CrashVerdict =
  | { giveUp: true; crashes: number }
  | { giveUp: false; crashes: number; delayMs: number };

export interface CrashHistory {
  record(now: number): CrashVerdict;
  reset(): void;
}

export function createCrashHistory(options: BackoffOptions): CrashHistory {
  let times: number[] = [];
  return {
    record(now) {
      times = [...times.filter((time) => now - time < options.windowMs), now];
      const crashes = times.length;
      if (crashes >= options.crashLimit) return { giveUp: true, crashes };
      const delayMs = Math.min(options.maxMs, options.initialMs * 2 ** (crashes - 1));
      return { giveUp: false, crashes, delayMs };
    },
    reset() {
      times = [];
    },
  };
}
