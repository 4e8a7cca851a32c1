/**
 * Is a pid still the process we started? A pid alone is not enough: after a
 * crash or a reboot the number may belong to an unrelated process, and signalling
 * it would be a serious bug. On Linux the kernel's start time of the process
 * (field 22 of /proc/<pid>/stat) is recorded with the pid and compared.
 */
import { existsSync, readFileSync } from "node:fs";

export interface ProcessRef {
  pid: number;
  /** Kernel start time (clock ticks since boot); undefined where /proc is missing. */
  pidStart?: string | undefined;
}

function procStat(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: split after the last ')'.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}

const hasProcfs = (): boolean => existsSync("/proc/self/stat");

/** Start time of a live process, or undefined if it is gone (or /proc is unavailable). */
export function processStartTime(pid: number): string | undefined {
  const fields = procStat(pid);
  // fields[0] is field 3 (state), so field 22 (starttime) is fields[19].
  if (fields === undefined || fields[0] === "Z") return undefined;
  return fields[19];
}

export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  const fields = procStat(pid);
  // Without /proc, kill(0) is all we know; with it, a missing entry means it just exited.
  if (fields === undefined) return !hasProcfs();
  return fields[0] !== "Z";
}

/** True only when `ref.pid` is alive and is the same process that was recorded. */
export function isSameProcess(ref: ProcessRef): boolean {
  if (!isProcessAlive(ref.pid)) return false;
  if (!hasProcfs()) return true;
  const now = processStartTime(ref.pid);
  return now !== undefined && ref.pidStart !== undefined && now === ref.pidStart;
}

/** Signals a whole process group (components run as group leaders). False if none is left. */
export function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Resolves once no process is left in the group led by `pid` (or after `timeoutMs`),
 * so "stopped" means the ports its members held are free again.
 */
export async function waitForGroupGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      process.kill(-pid, 0);
    } catch {
      return true;
    }
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export function signalProcess(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Resolves true once `pid` is gone, false if it is still alive after `timeoutMs`. */
export async function waitForExit(pid: number, timeoutMs: number, pollMs = 25): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isProcessAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  return true;
}
