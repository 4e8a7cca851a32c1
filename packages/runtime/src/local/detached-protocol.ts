/** Messages between `up --detach` and the background supervisor it starts (Node IPC, JSON). */
import type { Plan } from "@cryptokube/plan/types";
import type { ProgressEvent, StartSummary } from "./supervisor.ts";

export interface DetachedStartOptions {
  fresh?: boolean;
  startupTimeoutMs?: number;
  stopGraceMs?: number;
}

export type ToSupervisor = {
  type: "start";
  plan: Plan;
  stackDir: string;
  options: DetachedStartOptions;
};

export interface SerializedError {
  name: string;
  message: string;
  code?: string;
  hint?: string;
  component?: string;
  logTail?: string[];
}

export type FromSupervisor =
  | { type: "progress"; event: ProgressEvent }
  | { type: "warning"; message: string }
  | { type: "ready"; summary: StartSummary }
  | { type: "failed"; error: SerializedError };
