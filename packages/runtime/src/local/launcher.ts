/**
 * The seam between the supervisor's lifecycle (order, readiness, restarts, stop)
 * and how one component actually runs on a target: a host process (embedded and
 * process targets, and command apps everywhere) or a container (docker target).
 * A target driver checks what the plan needs before anything starts, then hands
 * the supervisor one launcher per component.
 */
import type { Component, Plan } from "@cryptokube/plan/types";
import type { ProcessExit } from "./restart-policy.ts";

export interface ComponentIdentity {
  /** The host pid of the process (for a container: of its main process). */
  pid?: number;
  pidStart?: string;
  containerId?: string;
}

export type ComponentExit = ProcessExit & { error?: Error };

/** One run of a component, from start to exit. */
export interface ComponentHandle {
  /** What is known at once (a spawned process's pid). */
  readonly identity: ComponentIdentity;
  /** Resolves once it runs with its full identity (a container's id); never rejects. */
  readonly running: Promise<ComponentIdentity>;
  /** Resolves when it has exited, or could not be started (with `error`). */
  readonly exited: Promise<ComponentExit>;
  /** SIGTERM, `graceMs`, SIGKILL; resolves once it has exited. */
  stop(graceMs: number): Promise<ProcessExit>;
}

export interface ComponentLauncher {
  /** Human-readable, for logs; never contains secret values. */
  readonly display: string;
  start(onLine: (text: string) => void): ComponentHandle;
}

export type Resolution = { available: true } | { available: false; reason: string };

export interface DriverContext {
  plan: Plan;
  stackDir: string;
  /** The environment components inherit (PATH, HOME, CRYPTOKUBE_BIN_PATH…). */
  env: Record<string, string | undefined>;
  warn: (message: string) => void;
  /** A line of the supervisor's own log (image builds, volume creation…). */
  event: (text: string) => void;
  /**
   * Long work for a component before it can start (bundling it, building its image), shown
   * as progress: `what` is a short phrase such as "building image x".
   */
  preparing: (component: string, what: string) => void;
}

/** How one target runs components. */
export interface TargetDriver {
  /**
   * Phase 1, without side effects: can each component run here? Throws
   * (missing binary, missing image, engine down) before anything has started.
   */
  resolve(components: Component[]): Promise<Map<string, Resolution>>;
  /**
   * Phase 2, after secrets exist: data directories or volumes, generated files,
   * built images; one launcher per runnable component.
   */
  prepare(
    components: Component[],
    options: { fresh: boolean },
  ): Promise<Map<string, ComponentLauncher>>;
}
