/**
 * How the docker target recognises what belongs to a stack: every container and
 * volume carries the stack's name, its component and a hash of the stack's
 * directory, so two stacks with one name in two directories never touch each
 * other's containers or data.
 */
import { createHash } from "node:crypto";
import { resolve } from "node:path";

export const LABEL_STACK = "dev.cryptokube.stack";
export const LABEL_COMPONENT = "dev.cryptokube.component";
export const LABEL_STACK_DIR = "dev.cryptokube.stack-dir";
export const LABEL_VOLUME = "dev.cryptokube.volume";

export interface DockerStackIdentity {
  stack: string;
  /** First 12 hex digits of sha256(absolute stack dir). */
  dirHash: string;
  labels(component?: string): Record<string, string>;
  /** Engine filter matching everything of this stack. */
  filters(): { label: string[] };
  containerName(component: string): string;
  volumeName(component: string, volume: string): string;
}

export function dockerStackIdentity(stack: string, stackDir: string): DockerStackIdentity {
  const dirHash = createHash("sha256").update(resolve(stackDir)).digest("hex").slice(0, 12);
  const safe = (text: string): string => text.replace(/[^a-zA-Z0-9_.-]/g, "-");
  const prefix = `cryptokube-${safe(stack)}-${dirHash.slice(0, 8)}`;
  return {
    stack,
    dirHash,
    labels: (component) => ({
      [LABEL_STACK]: stack,
      [LABEL_STACK_DIR]: dirHash,
      ...(component === undefined ? {} : { [LABEL_COMPONENT]: component }),
    }),
    filters: () => ({ label: [`${LABEL_STACK}=${stack}`, `${LABEL_STACK_DIR}=${dirHash}`] }),
    containerName: (component) => `${prefix}-${safe(component)}`,
    volumeName: (component, volume) => `${prefix}-${safe(component)}-${safe(volume)}`,
  };
}
