/**
 * `cryptokube status`: what state.json records, checked against reality (is the
 * supervisor alive, is each pid still ours) and with every component's readiness
 * checks run live.
 */
import type { Component } from "@cryptokube/plan/types";
import { createReadinessCheck, type ProbeOutcome } from "./health-probes.ts";
import { isSameProcess } from "./process-identity.ts";
import { readSavedPlan } from "./saved-plan.ts";
import { type ComponentState, liveSupervisor, readStackState } from "./stack-state.ts";

export interface ComponentStatus {
  name: string;
  state: ComponentState;
  pid?: number;
  /** Docker target: the container (its main process is `pid`). */
  containerId?: string;
  restarts: number;
  /** Milliseconds since the current process started. */
  uptimeMs?: number;
  endpoints: { name: string; url: string }[];
  /** Live readiness check; absent when the component is not running. */
  health?: ProbeOutcome;
  message?: string;
}

export interface StackStatus {
  stack?: string;
  target?: string;
  running: boolean;
  supervisor?: { pid: number; detached: boolean; uptimeMs: number };
  components: ComponentStatus[];
  warnings: string[];
}

const RUNNING_STATES: ComponentState[] = ["starting", "ready", "restarting", "stopping"];

export async function getStackStatus(
  stackDir: string,
  options: { probe?: boolean; timeoutMs?: number } = {},
): Promise<StackStatus> {
  const { state, warnings } = readStackState(stackDir);
  const supervisor = liveSupervisor(state, warnings);
  const plan = readSavedPlan(stackDir, warnings);
  const planned = new Map<string, Component>(
    (plan?.components ?? []).map((component) => [component.name, component]),
  );
  const now = Date.now();
  const running = supervisor !== undefined;
  const components = await Promise.all(
    (state?.components ?? []).map(async (record): Promise<ComponentStatus> => {
      const component = planned.get(record.name);
      const alive =
        record.pid !== undefined && isSameProcess({ pid: record.pid, pidStart: record.pidStart });
      // Without a live supervisor nothing is running, whatever the file last said.
      const shown: ComponentState =
        !running && RUNNING_STATES.includes(record.state) ? "stopped" : record.state;
      const status: ComponentStatus = {
        name: record.name,
        state: shown,
        restarts: record.restarts,
        endpoints: (component?.endpoints ?? []).map((endpoint) => ({
          name: endpoint.name,
          url: endpoint.url,
        })),
      };
      if (running && alive && record.pid !== undefined) {
        status.pid = record.pid;
        if (record.containerId !== undefined) status.containerId = record.containerId;
        if (record.startedAt !== undefined) status.uptimeMs = now - Date.parse(record.startedAt);
        if (options.probe !== false && component !== undefined) {
          status.health = await createReadinessCheck(
            component,
            stackDir,
            options.timeoutMs ?? 1000,
          )();
        }
      }
      if (record.message !== undefined) status.message = record.message;
      return status;
    }),
  );
  const result: StackStatus = { running, components, warnings };
  if (state !== undefined) Object.assign(result, { stack: state.stack, target: state.target });
  if (supervisor !== undefined) {
    result.supervisor = {
      pid: supervisor.pid,
      detached: supervisor.detached,
      uptimeMs: now - Date.parse(supervisor.startedAt),
    };
  }
  return result;
}
