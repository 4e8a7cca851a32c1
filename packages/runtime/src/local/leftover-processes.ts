/**
 * Components whose supervisor is gone (it crashed, or was killed with -9) keep
 * running as orphans. They are stopped when the stack is next brought up or down,
 * but only if each pid is still the very process that was recorded.
 */
import { isProcessAlive, isSameProcess, signalGroup, waitForExit } from "./process-identity.ts";
import type { ComponentRecord } from "./stack-state.ts";

export interface LeftoverOptions {
  graceMs: number;
  warn: (message: string) => void;
  /** Say which leftovers are stopped (bring-up says so; `down` expects them). */
  announce: boolean;
}

/** Stops the recorded component processes that are still ours; returns their names. */
export async function stopLeftoverComponents(
  records: ComponentRecord[],
  options: LeftoverOptions,
): Promise<string[]> {
  const ours = records.filter((record) => {
    if (record.pid === undefined) return false;
    if (isSameProcess({ pid: record.pid, pidStart: record.pidStart })) return true;
    if (isProcessAlive(record.pid)) {
      options.warn(
        `pid ${record.pid} recorded for ${record.name} now belongs to another process; leaving it alone`,
      );
    }
    return false;
  });
  for (const record of ours) {
    if (options.announce)
      options.warn(`stopping ${record.name} (pid ${record.pid}) left over from an earlier run`);
    signalGroup(record.pid ?? 0, "SIGTERM");
  }
  await Promise.all(
    ours.map(async (record) => {
      const pid = record.pid ?? 0;
      if (!(await waitForExit(pid, options.graceMs))) {
        signalGroup(pid, "SIGKILL");
        await waitForExit(pid, 2000);
      }
      // The leader is gone; its group may still hold children (a shell's server).
      signalGroup(pid, "SIGKILL");
    }),
  );
  return ours.map((record) => record.name);
}
