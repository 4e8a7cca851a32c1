/** Errors of the local supervisor that callers tell apart (the CLI prints their log tails). */
import { CryptoKubeError } from "@cryptokube/core";

/** A component did not come up; everything that had started was stopped again. */
export class ComponentStartError extends CryptoKubeError {
  override name = "ComponentStartError";
  readonly component: string;
  /** The component's last output lines, to show with the error. */
  readonly logTail: string[];
  constructor(component: string, reason: string, logTail: string[]) {
    super(`${component} failed to start: ${reason}`, {
      code: "COMPONENT_START_FAILED",
      hint: `see its log with \`cryptokube logs ${component}\` (everything that had started was stopped)`,
    });
    this.component = component;
    this.logTail = logTail;
  }
}

export function stackAlreadyUpError(pid: number, stackDir: string): CryptoKubeError {
  return new CryptoKubeError(
    `this stack is already up (supervisor pid ${pid}, state in ${stackDir}/.cryptokube)`,
    {
      code: "STACK_ALREADY_UP",
      hint: "run `cryptokube status` to see it, or `cryptokube down` to stop it first",
    },
  );
}

export function unsupportedTargetError(target: string): CryptoKubeError {
  return new CryptoKubeError(
    `the local supervisor runs the embedded and process targets, not '${target}'`,
    {
      code: "TARGET_UNSUPPORTED",
      hint:
        target === "kubernetes"
          ? "Kubernetes deployment is `cryptokube deploy` (not available yet)"
          : "use --target embedded (the default) or --target process; the docker target is not available yet",
    },
  );
}
