/**
 * Commands whose implementation has not landed yet. They are registered so that
 * `--help` shows the whole surface, and say plainly that they are not available
 * instead of pretending (exit 1).
 */
import type { Command } from "commander";
import { type CliContext, CliExit, EXIT_FAILURE } from "../context.ts";

const PENDING: { name: string; description: string; issue: number }[] = [
  {
    name: "render",
    description: "render Kubernetes manifests or a Helm chart for the stack",
    issue: 5,
  },
  {
    name: "deploy",
    description: "apply the stack to a Kubernetes cluster and wait for rollout",
    issue: 5,
  },
  { name: "destroy", description: "remove the stack from a Kubernetes cluster", issue: 5 },
];

export function registerPending(program: Command, _ctx: CliContext): void {
  for (const { name, description, issue } of PENDING) {
    program
      .command(name)
      .description(`${description} (not available yet)`)
      .allowUnknownOption()
      .allowExcessArguments()
      .action(() => {
        throw new CliExit(
          EXIT_FAILURE,
          `cryptokube ${name}: not available yet in this version (tracked in issue ${issue})`,
        );
      });
  }
}
