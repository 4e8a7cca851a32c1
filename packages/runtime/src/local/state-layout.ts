/**
 * Where a stack's local state lives. Everything is under `<stackDir>/.cryptokube/`,
 * so two stacks in two directories never share a file.
 */
import { join } from "node:path";

export const STATE_DIR_NAME = ".cryptokube";
/** Log "component" name of the supervisor's own events (logs/supervisor.log). */
export const SUPERVISOR_SOURCE = "supervisor";

export interface StateLayout {
  root: string;
  stateFile: string;
  planFile: string;
  logsDir: string;
  volumesDir: string;
  secretsDir: string;
  /** Generated files of components (`{{file:name}}`: a devnet's genesis…). */
  filesDir: string;
  logFile(source: string): string;
  volumeDir(component: string, volume: string): string;
  secretFile(name: string, key: string): string;
  componentFile(component: string, name: string): string;
}

export function stateLayout(stackDir: string): StateLayout {
  const root = join(stackDir, STATE_DIR_NAME);
  const logsDir = join(root, "logs");
  const volumesDir = join(root, "volumes");
  const secretsDir = join(root, "secrets");
  const filesDir = join(root, "files");
  return {
    root,
    stateFile: join(root, "state.json"),
    planFile: join(root, "plan.json"),
    logsDir,
    volumesDir,
    secretsDir,
    filesDir,
    logFile: (source) => join(logsDir, `${source}.log`),
    volumeDir: (component, volume) => join(volumesDir, component, volume),
    secretFile: (name, key) => join(secretsDir, name, key),
    componentFile: (component, name) => join(filesDir, component, name),
  };
}
