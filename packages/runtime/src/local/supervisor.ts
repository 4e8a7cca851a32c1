/**
 * The local supervisor: runs every component of a plan as a process on this
 * machine. Components start in dependency order, each gated on its
 * dependencies' readiness checks (independent ones in parallel); a crash is
 * restarted with backoff up to a crash-loop limit without touching the others;
 * every line goes to one merged, timestamped log; state is kept in
 * `.cryptokube/state.json`; stop is SIGTERM, grace period, SIGKILL, dependents first.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { CryptoKubeError } from "@cryptokube/core";
import type { Component, Plan } from "@cryptokube/plan/types";
import { ComponentStartError, stackAlreadyUpError, unsupportedTargetError } from "./errors.ts";
import { createLivenessCheck, createReadinessCheck, type ProbeOutcome } from "./health-probes.ts";
import type {
  ComponentHandle,
  ComponentLauncher,
  DriverContext,
  Resolution,
  TargetDriver,
} from "./launcher.ts";
import { stopLeftoverComponents } from "./leftover-processes.ts";
import type { LogLine } from "./log-lines.ts";
import { createLogSink, type LogSink } from "./log-sink.ts";
import { assertPortsFree } from "./port-check.ts";
import { createProcessDriver } from "./process-driver.ts";
import { processStartTime } from "./process-identity.ts";
import {
  type BackoffOptions,
  type CrashHistory,
  createCrashHistory,
  DEFAULT_BACKOFF,
  type ProcessExit,
  shouldRestart,
} from "./restart-policy.ts";
import { ensureSecrets } from "./secrets.ts";
import {
  type ComponentRecord,
  type ComponentState,
  liveSupervisor,
  readStackState,
  STATE_VERSION,
  type StackState,
  writeStackState,
} from "./stack-state.ts";
import { SUPERVISOR_SOURCE, stateLayout } from "./state-layout.ts";
import { type StackWatcher, watchStackFiles } from "./watch-files.ts";

export type ProgressEvent =
  | { type: "preparing"; component: string; what: string }
  | { type: "waiting"; component: string; on: string[] }
  | { type: "starting"; component: string }
  | { type: "ready"; component: string; ms: number }
  | { type: "unavailable"; component: string; reason: string }
  | { type: "failed"; component: string; reason: string };

export interface SupervisorOptions {
  plan: Plan;
  /** Directory of the stack file; state lives in `<stackDir>/.cryptokube/`. */
  stackDir: string;
  /** Delete the volumes before starting (`up --fresh`). */
  fresh?: boolean;
  /** Budget for the whole startup (`up --timeout`), default 60 s. */
  startupTimeoutMs?: number;
  /** SIGTERM → SIGKILL grace period per component, default 5 s. */
  stopGraceMs?: number;
  backoff?: Partial<BackoffOptions>;
  /** Interval between readiness checks while a component starts, default 100 ms. */
  probeIntervalMs?: number;
  /**
   * Once ready, the liveness probes run this often (default 5 s); after `failures`
   * failures in a row (default 3) the component is stopped (SIGTERM, grace, SIGKILL)
   * and its restart policy and crash-loop limit apply as for any exit.
   */
  liveness?: { intervalMs?: number; failures?: number };
  watchDebounceMs?: number;
  /** Recorded in state.json: the supervisor runs in the background (`up --detach`). */
  detached?: boolean;
  /** The environment components inherit (PATH, HOME…), default process.env. */
  env?: Record<string, string | undefined>;
  onProgress?: (event: ProgressEvent) => void;
  /** Every line of every component and every supervisor event, as it happens. */
  onLog?: (line: LogLine) => void;
  /** One-line problems that do not stop the stack (malformed state, stale pids). */
  onWarning?: (message: string) => void;
  /**
   * How components run; default by `plan.target`: host processes (embedded,
   * process) or Docker containers (docker).
   */
  createDriver?: (ctx: DriverContext) => TargetDriver | Promise<TargetDriver>;
}

export interface StartSummary {
  stack: string;
  target: string;
  components: ComponentRecord[];
  durationMs: number;
}

export interface Supervisor {
  /** Starts everything; resolves once all are ready. On failure stops what started and throws. */
  start(signal?: AbortSignal): Promise<StartSummary>;
  /** Stops every component (dependents first); idempotent. */
  stop(): Promise<void>;
  /** Restarts one component now (what a `watch` match does). */
  restart(component: string, reason: string): Promise<void>;
  status(): ComponentRecord[];
  /** Resolves once stop() has finished. */
  readonly stopped: Promise<void>;
}

interface Deferred {
  promise: Promise<void>;
  resolve(): void;
  reject(error: Error): void;
}

interface Slot {
  component: Component;
  record: ComponentRecord;
  launcher: ComponentLauncher | undefined;
  proc: ComponentHandle | undefined;
  /** Bumped whenever a process is replaced or stopped on purpose: stale exits are ignored. */
  generation: number;
  crashes: CrashHistory;
  /** Settles on the first readiness (startup gating). */
  ready: Deferred;
  readiness: () => Promise<ProbeOutcome>;
  liveness: () => Promise<ProbeOutcome>;
  lastProbe: string;
  restartTimer: NodeJS.Timeout | undefined;
  spawnedAt: number;
  /** Last output lines, shown when startup fails. */
  tail: string[];
}

const TAIL_LINES = 20;
const LOCAL_TARGETS = ["embedded", "process", "docker"];

export function createSupervisor(options: SupervisorOptions): Supervisor {
  const { plan, stackDir } = options;
  const layout = stateLayout(stackDir);
  const backoff: BackoffOptions = { ...DEFAULT_BACKOFF, ...options.backoff };
  const graceMs = options.stopGraceMs ?? 5000;
  const probeIntervalMs = options.probeIntervalMs ?? 100;
  const livenessIntervalMs = options.liveness?.intervalMs ?? 5000;
  const livenessFailures = options.liveness?.failures ?? 3;
  const parentEnv = options.env ?? process.env;
  const warn = (message: string): void => options.onWarning?.(message);
  const progress = (event: ProgressEvent): void => options.onProgress?.(event);

  const slots = new Map<string, Slot>();
  for (const component of dependencyOrder(plan.components)) {
    slots.set(component.name, {
      component,
      record: { name: component.name, state: "pending", restarts: 0, ports: portsOf(component) },
      launcher: undefined,
      proc: undefined,
      generation: 0,
      crashes: createCrashHistory(backoff),
      ready: deferred(),
      readiness: createReadinessCheck(component, stackDir),
      liveness: createLivenessCheck(component, stackDir),
      lastProbe: "no check has run yet",
      restartTimer: undefined,
      spawnedAt: 0,
      tail: [],
    });
  }
  const ordered = [...slots.values()];

  let sink: LogSink | undefined;
  let watcher: StackWatcher | undefined;
  let started = false;
  let stopping = false;
  let stopPromise: Promise<void> | undefined;
  let supervisorStartedAt = new Date().toISOString();
  let resolveStopped: () => void = () => {};
  const stopped = new Promise<void>((resolve) => {
    resolveStopped = resolve;
  });
  let active = false;

  /** Events before the log is open (while the driver prepares) wait for it. */
  const early: string[] = [];
  const event = (text: string): void => {
    if (sink === undefined) early.push(text);
    else sink.write(SUPERVISOR_SOURCE, text);
  };

  const persist = (): void => {
    // A supervisor that never started (refused: already up, port taken…) owns no state.
    if (!started) return;
    const state: StackState = {
      version: STATE_VERSION,
      stack: plan.stack,
      target: plan.target,
      components: ordered.map((slot) => ({ ...slot.record })),
      updatedAt: new Date().toISOString(),
    };
    if (active) {
      state.supervisor = {
        pid: process.pid,
        startedAt: supervisorStartedAt,
        detached: options.detached === true,
        ...withDefined("pidStart", processStartTime(process.pid)),
      };
    }
    try {
      writeStackState(stackDir, state);
    } catch (error) {
      warn(`cannot write ${layout.stateFile}: ${(error as Error).message}`);
    }
  };

  const setState = (slot: Slot, state: ComponentState, message?: string): void => {
    slot.record.state = state;
    if (message === undefined) delete slot.record.message;
    else slot.record.message = message;
    persist();
  };

  const spawnSlot = (slot: Slot): void => {
    const launcher = slot.launcher;
    if (launcher === undefined || stopping) return;
    const generation = ++slot.generation;
    const name = slot.component.name;
    const proc = launcher.start((text) => {
      slot.tail.push(text);
      if (slot.tail.length > TAIL_LINES) slot.tail.shift();
      sink?.write(name, text);
    });
    slot.proc = proc;
    slot.spawnedAt = Date.now();
    forgetIdentity(slot.record);
    Object.assign(slot.record, {
      startedAt: new Date(slot.spawnedAt).toISOString(),
      ...proc.identity,
    });
    delete slot.record.readyAt;
    setState(slot, "starting");
    progress({ type: "starting", component: name });
    // A container's id and host pid are known once the engine has started it.
    void proc.running.then((identity) => {
      if (slot.generation !== generation || slot.proc !== proc) return;
      Object.assign(slot.record, identity);
      persist();
    });
    void proc.exited.then((exit) => onExit(slot, generation, exit));
    void awaitReadiness(slot, generation);
  };

  const awaitReadiness = async (slot: Slot, generation: number): Promise<void> => {
    const current = (): boolean =>
      !stopping && slot.generation === generation && slot.record.state === "starting";
    while (current()) {
      const outcome = await slot.readiness();
      if (!current()) return;
      slot.lastProbe = outcome.detail;
      if (outcome.ok) {
        const ms = Date.now() - slot.spawnedAt;
        slot.record.readyAt = new Date().toISOString();
        setState(slot, "ready");
        event(`${slot.component.name} ready in ${formatSeconds(ms)}`);
        progress({ type: "ready", component: slot.component.name, ms });
        slot.ready.resolve();
        void watchLiveness(slot, generation);
        return;
      }
      await sleep(probeIntervalMs);
    }
  };

  /** A process that is alive but hung (deadlocked, stopped, wedged) is stopped so it restarts. */
  const watchLiveness = async (slot: Slot, generation: number): Promise<void> => {
    if (slot.component.health.liveness.length === 0) return;
    const current = (): boolean =>
      !stopping && slot.generation === generation && slot.record.state === "ready";
    let failures = 0;
    while (current()) {
      await sleep(livenessIntervalMs, { unref: true });
      if (!current()) return;
      const outcome = await slot.liveness();
      if (!current()) return;
      failures = outcome.ok ? 0 : failures + 1;
      if (failures < livenessFailures) continue;
      const proc = slot.proc;
      event(
        `${slot.component.name} is not alive (${outcome.detail}; ${failures} checks in a row); stopping it`,
      );
      setState(slot, "stopping", `not alive: ${outcome.detail}`);
      // The exit then goes through onExit: restart policy, backoff and crash-loop limit.
      await proc?.stop(graceMs);
      return;
    }
  };

  const onExit = (slot: Slot, generation: number, exit: ProcessExit & { error?: Error }): void => {
    if (stopping || slot.generation !== generation) return;
    const name = slot.component.name;
    const policy = slot.component.restart;
    slot.proc = undefined;
    forgetIdentity(slot.record);
    slot.record.lastExit = { code: exit.code, signal: exit.signal, at: new Date().toISOString() };
    const what = describeExit(exit);
    if (!shouldRestart(policy, exit)) {
      const clean = exit.code === 0 && exit.signal === null;
      setState(slot, clean ? "exited" : "failed", `${what} (restart policy: ${policy})`);
      event(`${name} ${what}; restart policy is '${policy}', not restarting`);
      if (!clean) progress({ type: "failed", component: name, reason: what });
      slot.ready.reject(new Error(`${what} (restart policy: ${policy})`));
      return;
    }
    const verdict = slot.crashes.record(Date.now());
    if (verdict.giveUp) {
      const reason = `${what}; it crashed ${verdict.crashes} times within ${formatSeconds(backoff.windowMs)}, giving up`;
      setState(slot, "failed", reason);
      event(`${name} ${reason} (state failed)`);
      progress({ type: "failed", component: name, reason });
      slot.ready.reject(new Error(reason));
      return;
    }
    slot.record.restarts += 1;
    setState(slot, "restarting", `${what}; restarting in ${verdict.delayMs}ms`);
    event(`${name} ${what}; restarting in ${verdict.delayMs}ms`);
    slot.restartTimer = setTimeout(() => {
      slot.restartTimer = undefined;
      spawnSlot(slot);
    }, verdict.delayMs);
  };

  const stopSlot = async (slot: Slot): Promise<void> => {
    clearTimeout(slot.restartTimer);
    slot.generation += 1;
    const proc = slot.proc;
    slot.proc = undefined;
    if (proc !== undefined) {
      setState(slot, "stopping");
      const exit = await proc.stop(graceMs);
      slot.record.lastExit = { code: exit.code, signal: exit.signal, at: new Date().toISOString() };
      event(`${slot.component.name} stopped`);
    }
    forgetIdentity(slot.record);
    if (!["unavailable", "failed", "exited"].includes(slot.record.state)) setState(slot, "stopped");
  };

  const stop = (): Promise<void> => {
    stopPromise ??= (async () => {
      stopping = true;
      if (!started) {
        resolveStopped();
        return;
      }
      watcher?.close();
      for (const slot of ordered) {
        clearTimeout(slot.restartTimer);
        slot.ready.reject(new Error("the stack is stopping"));
      }
      // Dependents stop before what they depend on; independent components in parallel.
      const done = new Map<string, Promise<void>>();
      for (const slot of [...ordered].reverse()) {
        const dependents = ordered
          .filter((other) => other.component.dependsOn.includes(slot.component.name))
          .map((other) => done.get(other.component.name));
        done.set(
          slot.component.name,
          Promise.all(dependents).then(() => stopSlot(slot)),
        );
      }
      await Promise.all(done.values());
      event("all components stopped");
      active = false;
      persist();
      await sink?.close();
      resolveStopped();
    })();
    return stopPromise;
  };

  const prepare = async (): Promise<void> => {
    if (!LOCAL_TARGETS.includes(plan.target)) throw unsupportedTargetError(plan.target);
    const { state: previous, warnings } = readStackState(stackDir);
    const live = liveSupervisor(previous, warnings);
    for (const warning of warnings) warn(warning);
    if (live !== undefined && live.pid !== process.pid)
      throw stackAlreadyUpError(live.pid, stackDir);
    if (previous !== undefined) {
      await stopLeftoverComponents(previous.components, { graceMs: graceMs, warn, announce: true });
    }
    const driverContext: DriverContext = {
      plan,
      stackDir,
      env: parentEnv,
      warn,
      event: (text) => event(text),
      preparing: (component, what) => {
        event(`${component}: ${what}`);
        progress({ type: "preparing", component, what });
      },
    };
    const driver = await (options.createDriver ?? defaultDriver)(driverContext);
    const resolutions: Map<string, Resolution> = await driver.resolve(
      ordered.map((slot) => slot.component),
    );
    const runnable = ordered.filter(
      (slot) => resolutions.get(slot.component.name)?.available !== false,
    );
    await assertPortsFree(runnable.map((slot) => slot.component));
    const names = new Set(runnable.map((slot) => slot.component.name));
    ensureSecrets(
      stackDir,
      plan.secrets.filter(
        (secret) => secret.usedBy.length === 0 || secret.usedBy.some((user) => names.has(user)),
      ),
    );
    for (const slot of ordered) {
      const resolution = resolutions.get(slot.component.name);
      if (resolution !== undefined && !resolution.available) {
        slot.record.state = "unavailable";
        slot.record.message = resolution.reason;
        slot.ready.resolve();
      }
    }
    const launchers = await driver.prepare(
      runnable.map((slot) => slot.component),
      { fresh: options.fresh === true },
    );
    for (const slot of runnable) slot.launcher = launchers.get(slot.component.name);
  };

  const start = async (signal?: AbortSignal): Promise<StartSummary> => {
    if (started || stopping)
      throw new Error("a supervisor starts once; create a new one to start again");
    const begin = Date.now();
    mkdirSync(layout.logsDir, { recursive: true });
    await prepare();
    started = true;
    active = true;
    supervisorStartedAt = new Date().toISOString();
    writeFileSync(layout.planFile, `${JSON.stringify(plan, null, 2)}\n`);
    let logErrorReported = false;
    sink = createLogSink(stackDir, options.onLog, (error) => {
      if (!logErrorReported) warn(`cannot write the stack's logs: ${error.message}`);
      logErrorReported = true;
    });
    event(`starting ${plan.stack} (${plan.components.length} components, target ${plan.target})`);
    for (const text of early.splice(0)) event(text);
    persist();
    for (const slot of ordered) {
      if (slot.record.state !== "unavailable") continue;
      event(`${slot.component.name} is ${slot.record.message ?? "not available"}; skipped`);
      progress({
        type: "unavailable",
        component: slot.component.name,
        reason: slot.record.message ?? "",
      });
    }

    const deadline = begin + (options.startupTimeoutMs ?? 60_000);
    let failure: Error | undefined;
    let fail: (error: Error) => void = () => {};
    const failed = new Promise<never>((_resolve, reject) => {
      fail = (error) => {
        failure ??= error;
        reject(failure);
      };
    });
    failed.catch(() => {});
    const onAbort = (): void =>
      fail(
        new CryptoKubeError("startup was interrupted; everything that had started was stopped", {
          code: "ABORTED",
        }),
      );
    if (signal?.aborted === true) onAbort();
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      await Promise.race([
        Promise.all(ordered.map((slot) => bringUp(slot, deadline, fail))),
        failed,
      ]);
      if (stopping) {
        throw new CryptoKubeError("the stack was stopped while it was starting", {
          code: "ABORTED",
        });
      }
    } catch (error) {
      await stop();
      throw error;
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
    watcher = watchStackFiles({
      stackDir,
      components: ordered
        .filter((slot) => slot.launcher !== undefined)
        .map((slot) => slot.component),
      debounceMs: options.watchDebounceMs ?? 100,
      onChange: (component, file) => void restart(component, `${file} changed`),
      onError: (error) => warn(`file watching stopped: ${error.message}`),
    });
    event(`all components ready in ${formatSeconds(Date.now() - begin)}`);
    return {
      stack: plan.stack,
      target: plan.target,
      components: ordered.map((slot) => ({ ...slot.record })),
      durationMs: Date.now() - begin,
    };
  };

  const bringUp = async (
    slot: Slot,
    deadline: number,
    fail: (error: Error) => void,
  ): Promise<void> => {
    if (slot.launcher === undefined) return;
    const name = slot.component.name;
    const dependencies = slot.component.dependsOn
      .map((dependency) => slots.get(dependency))
      .filter(
        (dependency): dependency is Slot =>
          dependency !== undefined && dependency.record.state !== "unavailable",
      );
    if (dependencies.length > 0 && slot.component.startsWithDependencies !== true) {
      setState(slot, "waiting");
      progress({
        type: "waiting",
        component: name,
        on: dependencies.map((dependency) => dependency.component.name),
      });
      try {
        await Promise.all(dependencies.map((dependency) => dependency.ready.promise));
      } catch {
        // The dependency's own failure is the error reported; this one simply never starts.
        return;
      }
    }
    if (stopping) return;
    spawnSlot(slot);
    const ownBudget = (slot.component.health.startupSeconds || 30) * 1000;
    const budget = Math.min(ownBudget, deadline - Date.now());
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), Math.max(0, budget));
    });
    try {
      const outcome = await Promise.race([
        slot.ready.promise.then(() => "ready" as const),
        timedOut,
      ]);
      if (outcome === "timeout") {
        const limit = budget < ownBudget ? "the startup timeout" : formatSeconds(ownBudget);
        const reason = `not ready within ${limit} (last check: ${slot.lastProbe})`;
        progress({ type: "failed", component: name, reason });
        fail(new ComponentStartError(name, reason, [...slot.tail]));
      }
    } catch (error) {
      if (!stopping) {
        progress({ type: "failed", component: name, reason: (error as Error).message });
        fail(new ComponentStartError(name, (error as Error).message, [...slot.tail]));
      }
    } finally {
      clearTimeout(timer);
    }
  };

  const restart = async (name: string, reason: string): Promise<void> => {
    const slot = slots.get(name);
    if (slot === undefined || slot.launcher === undefined || stopping || !started) return;
    event(`${name}: ${reason}; restarting`);
    clearTimeout(slot.restartTimer);
    slot.restartTimer = undefined;
    slot.generation += 1;
    const proc = slot.proc;
    slot.proc = undefined;
    if (proc !== undefined) {
      setState(slot, "stopping");
      await proc.stop(graceMs);
    }
    if (stopping) return;
    slot.crashes.reset();
    slot.record.restarts += 1;
    spawnSlot(slot);
  };

  return {
    start,
    stop,
    restart,
    status: () => ordered.map((slot) => ({ ...slot.record })),
    stopped,
  };
}

/** Dependencies before dependents (plan order kept where it already is one); cycles are cut. */
export function dependencyOrder(components: Component[]): Component[] {
  const byName = new Map(components.map((component) => [component.name, component]));
  const result: Component[] = [];
  const visited = new Set<string>();
  const visit = (component: Component): void => {
    if (visited.has(component.name)) return;
    visited.add(component.name);
    for (const dependency of component.dependsOn) {
      const found = byName.get(dependency);
      if (found !== undefined) visit(found);
    }
    result.push(component);
  };
  for (const component of components) visit(component);
  return result;
}

function portsOf(component: Component): Record<string, number> {
  return Object.fromEntries(component.endpoints.map((endpoint) => [endpoint.name, endpoint.port]));
}

function describeExit(exit: ProcessExit & { error?: Error }): string {
  if (exit.error !== undefined) return `could not be started (${exit.error.message})`;
  if (exit.signal !== null) return `exited (signal ${exit.signal})`;
  return `exited with code ${exit.code}`;
}

export function formatSeconds(ms: number): string {
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)}s`;
  return `${Math.round(ms / 1000)}s`;
}

function deferred(): Deferred {
  let settled = false;
  let resolveFn: () => void = () => {};
  let rejectFn: (error: Error) => void = () => {};
  const promise = new Promise<void>((resolve, reject) => {
    resolveFn = resolve;
    rejectFn = reject;
  });
  // Nobody may be waiting (a component without dependents): never an unhandled rejection.
  promise.catch(() => {});
  return {
    promise,
    resolve() {
      if (!settled) resolveFn();
      settled = true;
    },
    reject(error) {
      if (!settled) rejectFn(error);
      settled = true;
    },
  };
}

async function defaultDriver(ctx: DriverContext): Promise<TargetDriver> {
  if (ctx.plan.target !== "docker") return createProcessDriver(ctx);
  // Loaded only for the docker target: the Docker client is not needed anywhere else.
  const { createDockerDriver } = await import("../docker/docker-driver.ts");
  return createDockerDriver(ctx);
}

function forgetIdentity(record: ComponentRecord): void {
  delete record.pid;
  delete record.pidStart;
  delete record.containerId;
}

function withDefined<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function sleep(ms: number, options: { unref?: boolean } = {}): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    // A background watch must not keep a finished process alive.
    if (options.unref === true) timer.unref();
  });
}
