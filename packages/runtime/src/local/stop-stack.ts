/**
 * `cryptokube down` from any shell: asks the stack's supervisor to stop (SIGTERM;
 * it stops the components dependents-first with a grace period each), then makes
 * sure no component process is left and the stack's ports are free. Works too
 * when the supervisor is gone and left orphans behind.
 */
import { rmSync } from "node:fs";
import { stopLeftoverComponents } from "./leftover-processes.ts";
import { findBusyPorts, type PlannedPort, plannedPorts } from "./port-check.ts";
import { signalProcess, waitForExit } from "./process-identity.ts";
import { readSavedPlan } from "./saved-plan.ts";
import {
  type ComponentState,
  liveSupervisor,
  readStackState,
  writeStackState,
} from "./stack-state.ts";
import { stateLayout } from "./state-layout.ts";

export interface StopStackOptions {
  /** How long the supervisor may take to stop everything, default 10 s. */
  timeoutMs?: number;
  /** Grace period for left-over components (SIGTERM → SIGKILL), default 5 s. */
  graceMs?: number;
  /** Delete the volumes (chain data, IPFS blocks) too. */
  removeVolumes?: boolean;
  onWarning?: (message: string) => void;
  /** Environment for reaching the Docker engine (DOCKER_HOST), default process.env. */
  env?: Record<string, string | undefined>;
}

export interface StopStackResult {
  /** A live supervisor was found and stopped. */
  wasRunning: boolean;
  supervisorPid?: number;
  /** Components found running without a supervisor and stopped. */
  leftovers: string[];
  /** Planned ports still in use afterwards (by something else). */
  busyPorts: PlannedPort[];
  volumesRemoved: boolean;
  /** Docker target: containers of the stack found and removed after the supervisor stopped. */
  containersRemoved?: string[];
  /** Docker target with `removeVolumes`: the named volumes removed. */
  dockerVolumesRemoved?: string[];
}

const ACTIVE_STATES: ComponentState[] = [
  "pending",
  "waiting",
  "starting",
  "ready",
  "restarting",
  "stopping",
];

export async function stopStack(
  stackDir: string,
  options: StopStackOptions = {},
): Promise<StopStackResult> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const warnings: string[] = [];
  const flush = (): void => {
    for (const warning of warnings.splice(0)) options.onWarning?.(warning);
  };
  const result: StopStackResult = {
    wasRunning: false,
    leftovers: [],
    busyPorts: [],
    volumesRemoved: false,
  };

  const first = readStackState(stackDir);
  warnings.push(...first.warnings);
  const supervisor = liveSupervisor(first.state, warnings);
  flush();
  if (supervisor !== undefined && supervisor.pid !== process.pid) {
    result.wasRunning = true;
    result.supervisorPid = supervisor.pid;
    signalProcess(supervisor.pid, "SIGTERM");
    if (!(await waitForExit(supervisor.pid, timeoutMs))) {
      options.onWarning?.(
        `the supervisor (pid ${supervisor.pid}) did not stop within ${timeoutMs / 1000}s; killing it and its components`,
      );
      signalProcess(supervisor.pid, "SIGKILL");
      await waitForExit(supervisor.pid, 2000);
    }
  }

  // Whatever the supervisor did not stop (it crashed, was killed, or timed out) is stopped here.
  const after = readStackState(stackDir);
  const state = after.state ?? first.state;
  if (state !== undefined) {
    result.leftovers = await stopLeftoverComponents(state.components, {
      graceMs: options.graceMs ?? 5000,
      warn: (message) => options.onWarning?.(message),
      announce: false,
    });
    delete state.supervisor;
    for (const record of state.components) {
      delete record.pid;
      delete record.pidStart;
      if (ACTIVE_STATES.includes(record.state)) record.state = "stopped";
    }
    state.updatedAt = new Date().toISOString();
    writeStackState(stackDir, state);
  }

  const plan = readSavedPlan(stackDir, warnings);
  flush();
  const target = state?.target ?? plan?.target;
  if (target === "docker") {
    const stack = state?.stack ?? plan?.stack ?? "";
    try {
      // Loaded only for docker stacks: nobody else needs the Docker client.
      const { cleanupDockerStack } = await import("../docker/cleanup.ts");
      const cleaned = await cleanupDockerStack({
        stack,
        stackDir,
        removeVolumes: options.removeVolumes === true,
        ...(options.env === undefined ? {} : { env: options.env }),
      });
      result.containersRemoved = cleaned.containers;
      if (options.removeVolumes === true) result.dockerVolumesRemoved = cleaned.volumes;
    } catch (error) {
      options.onWarning?.(
        `cannot clean up the stack's containers${options.removeVolumes === true ? " and volumes" : ""}: ${(error as Error).message}`,
      );
    }
  }

  if (plan !== undefined)
    result.busyPorts = await waitForPortsFree(plannedPorts(plan.components), 2000);

  if (options.removeVolumes === true) {
    rmSync(stateLayout(stackDir).volumesDir, { recursive: true, force: true });
    result.volumesRemoved = true;
  }
  return result;
}

async function waitForPortsFree(ports: PlannedPort[], timeoutMs: number): Promise<PlannedPort[]> {
  const deadline = Date.now() + timeoutMs;
  let busy = await findBusyPorts(ports);
  while (busy.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    busy = await findBusyPorts(busy);
  }
  return busy;
}
