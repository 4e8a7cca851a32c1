/** The local supervisor: runs a plan's components as processes on this machine. */
export { ComponentStartError } from "./errors.ts";
export { callJsonRpc, createReadinessCheck, type ProbeOutcome, runProbe } from "./health-probes.ts";
export { resolveModule } from "./launch.ts";
export { createLogFormatter, type LogFormatOptions } from "./log-format.ts";
export type { LogLine } from "./log-lines.ts";
export {
  type FollowOptions,
  followLogs,
  logSources,
  type ReadLogsOptions,
  readLogs,
} from "./log-reader.ts";
export {
  assertPortsFree,
  findBusyPorts,
  isPortFree,
  type PlannedPort,
  plannedPorts,
} from "./port-check.ts";
export { isSameProcess, processStartTime } from "./process-identity.ts";
export { type BackoffOptions, DEFAULT_BACKOFF } from "./restart-policy.ts";
export { readSavedPlan } from "./saved-plan.ts";
export {
  type ComponentRecord,
  type ComponentState,
  readStackState,
  type StackState,
} from "./stack-state.ts";
export { type ComponentStatus, getStackStatus, type StackStatus } from "./stack-status.ts";
export { type DetachedStack, type StartDetachedOptions, startDetached } from "./start-detached.ts";
export { STATE_DIR_NAME, SUPERVISOR_SOURCE, stateLayout } from "./state-layout.ts";
export { type StopStackOptions, type StopStackResult, stopStack } from "./stop-stack.ts";
export {
  createSupervisor,
  formatSeconds,
  type ProgressEvent,
  type StartSummary,
  type Supervisor,
  type SupervisorOptions,
} from "./supervisor.ts";
