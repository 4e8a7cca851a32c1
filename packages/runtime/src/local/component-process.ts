/**
 * One running process of a component. It is spawned as the leader of its own
 * process group, so that stopping it (SIGTERM, grace period, SIGKILL) also stops
 * whatever it started; every stdout/stderr line goes to `onLine`.
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import type { Launch } from "./launch.ts";
import type { ComponentHandle, ComponentIdentity, ComponentLauncher } from "./launcher.ts";
import { processStartTime, signalGroup, waitForGroupGone } from "./process-identity.ts";
import type { ProcessExit } from "./restart-policy.ts";

/** SIGKILLed group members are gone within milliseconds; this only bounds a pathological case. */
const GROUP_EXIT_TIMEOUT_MS = 2000;

export interface ComponentProcess extends ComponentHandle {
  pid: number | undefined;
  pidStart: string | undefined;
  /** Resolves when the process has exited (or failed to spawn, with `error`). */
  exited: Promise<ProcessExit & { error?: Error }>;
  /** SIGTERM to the group, SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs: number): Promise<ProcessExit>;
}

export function spawnComponentProcess(
  launch: Launch,
  onLine: (text: string) => void,
): ComponentProcess {
  const child = spawn(launch.file, launch.args, {
    cwd: launch.cwd,
    env: launch.env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY }).on("line", onLine);
  }
  const pid = child.pid;
  const exited = new Promise<ProcessExit & { error?: Error }>((resolve) => {
    child.once("exit", (code, signal) => {
      if (pid === undefined) return resolve({ code, signal });
      // Whatever the leader left behind in its group (a shell's children) goes with it,
      // and the component only counts as exited once they are gone too.
      signalGroup(pid, "SIGKILL");
      void waitForGroupGone(pid, GROUP_EXIT_TIMEOUT_MS).then(() => resolve({ code, signal }));
    });
    child.once("error", (error) => {
      if (child.pid === undefined) resolve({ code: null, signal: null, error });
    });
  });
  const pidStart = pid === undefined ? undefined : processStartTime(pid);
  const identity: ComponentIdentity = {
    ...(pid === undefined ? {} : { pid }),
    ...(pidStart === undefined ? {} : { pidStart }),
  };
  return {
    pid,
    pidStart,
    identity,
    running: Promise.resolve(identity),
    exited,
    async stop(graceMs) {
      if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return exited;
      signalGroup(pid, "SIGTERM");
      let timer: NodeJS.Timeout | undefined;
      const escalate = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          signalGroup(pid, "SIGKILL");
          resolve();
        }, graceMs);
      });
      await Promise.race([exited, escalate]);
      clearTimeout(timer);
      return exited;
    },
  };
}

/** Components that run as host processes (every target runs command apps this way). */
export function processLauncher(launch: Launch): ComponentLauncher {
  return {
    display: launch.display,
    start: (onLine) => spawnComponentProcess(launch, onLine),
  };
}
