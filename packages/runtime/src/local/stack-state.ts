/**
 * `.cryptokube/state.json`: what the supervisor is running right now. Written
 * atomically (temp file + rename) on every change, so readers never see half a
 * file from us; anything else (a truncated file, hand edits, a pid that is no
 * longer ours) is reported as a one-line warning and treated as "not running".
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { isSameProcess, type ProcessRef } from "./process-identity.ts";
import { stateLayout } from "./state-layout.ts";

export const STATE_VERSION = 1;

export const COMPONENT_STATES = [
  "pending",
  "waiting",
  "starting",
  "ready",
  "restarting",
  "stopping",
  "stopped",
  "exited",
  "failed",
  "unavailable",
] as const;
export type ComponentState = (typeof COMPONENT_STATES)[number];

export interface ExitInfo {
  code: number | null;
  signal: string | null;
  at: string;
}

export interface ComponentRecord {
  name: string;
  state: ComponentState;
  pid?: number;
  pidStart?: string;
  /** The container running it (docker target); `pid` is then its main process on the host. */
  containerId?: string;
  restarts: number;
  /** Endpoint name → port, as planned. */
  ports: Record<string, number>;
  startedAt?: string;
  readyAt?: string;
  lastExit?: ExitInfo;
  /** Why it is unavailable or failed, in one line. */
  message?: string;
}

export interface SupervisorRecord extends ProcessRef {
  pid: number;
  startedAt: string;
  /** True when the supervisor is a detached background process (`up --detach`). */
  detached: boolean;
}

export interface StackState {
  version: typeof STATE_VERSION;
  stack: string;
  target: string;
  /** Absent once the supervisor has stopped. */
  supervisor?: SupervisorRecord;
  components: ComponentRecord[];
  updatedAt: string;
}

export interface ReadStateResult {
  state: StackState | undefined;
  warnings: string[];
}

export function writeStackState(stackDir: string, state: StackState): void {
  const file = stateLayout(stackDir).stateFile;
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(temp, file);
}

/** Reads state.json; never throws for bad content (only the warnings say what was wrong). */
export function readStackState(stackDir: string): ReadStateResult {
  const file = stateLayout(stackDir).stateFile;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT")
      return { state: undefined, warnings: [] };
    return {
      state: undefined,
      warnings: [
        `cannot read ${file} (${(error as Error).message}); treating the stack as stopped`,
      ],
    };
  }
  try {
    return { state: parseStackState(text), warnings: [] };
  } catch (error) {
    return {
      state: undefined,
      warnings: [
        `${file} is malformed (${(error as Error).message}); treating the stack as stopped`,
      ],
    };
  }
}

/** Validates the shape of state.json text; throws an Error saying what is wrong. */
export function parseStackState(text: string): StackState {
  if (text.trim() === "") throw new Error("empty file");
  const data: unknown = JSON.parse(text);
  if (!isObject(data)) throw new Error("not a JSON object");
  if (data.version !== STATE_VERSION)
    throw new Error(`unknown version ${JSON.stringify(data.version)}`);
  if (typeof data.stack !== "string" || typeof data.target !== "string") {
    throw new Error("missing stack or target");
  }
  if (!Array.isArray(data.components)) throw new Error("components is not a list");
  const components = data.components.map((item, index) => parseComponent(item, index));
  const state: StackState = {
    version: STATE_VERSION,
    stack: data.stack,
    target: data.target,
    components,
    updatedAt: typeof data.updatedAt === "string" ? data.updatedAt : "",
  };
  if (data.supervisor !== undefined) {
    const sup = data.supervisor;
    if (!isObject(sup) || !isPid(sup.pid)) throw new Error("supervisor.pid is not a pid");
    state.supervisor = {
      pid: sup.pid,
      startedAt: typeof sup.startedAt === "string" ? sup.startedAt : "",
      detached: sup.detached === true,
      ...(typeof sup.pidStart === "string" ? { pidStart: sup.pidStart } : {}),
    };
  }
  return state;
}

function parseComponent(item: unknown, index: number): ComponentRecord {
  const where = `components[${index}]`;
  if (!isObject(item) || typeof item.name !== "string") throw new Error(`${where} has no name`);
  if (
    typeof item.state !== "string" ||
    !(COMPONENT_STATES as readonly string[]).includes(item.state)
  ) {
    throw new Error(`${where}.state is not a known state`);
  }
  if (item.pid !== undefined && !isPid(item.pid)) throw new Error(`${where}.pid is not a pid`);
  const record: ComponentRecord = {
    name: item.name,
    state: item.state as ComponentState,
    restarts: typeof item.restarts === "number" ? item.restarts : 0,
    ports: isObject(item.ports) ? (item.ports as Record<string, number>) : {},
  };
  if (isPid(item.pid)) record.pid = item.pid;
  for (const key of ["pidStart", "containerId", "startedAt", "readyAt", "message"] as const) {
    const value = item[key];
    if (typeof value === "string") record[key] = value;
  }
  if (isObject(item.lastExit)) record.lastExit = item.lastExit as unknown as ExitInfo;
  return record;
}

/**
 * The supervisor recorded in the state, if it is alive and still the same process.
 * A recorded supervisor that is gone (or whose pid now belongs to another process)
 * produces a warning instead.
 */
export function liveSupervisor(
  state: StackState | undefined,
  warnings: string[],
): SupervisorRecord | undefined {
  const sup = state?.supervisor;
  if (sup === undefined) return undefined;
  if (isSameProcess(sup)) return sup;
  warnings.push(
    `state.json names supervisor pid ${sup.pid}, which is no longer running (stale state from a crash?); treating the stack as stopped`,
  );
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isPid(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value > 0;
}
