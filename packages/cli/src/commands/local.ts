/** Local-target lifecycle commands (placeholder until the supervisor lands). */
import type { Command } from "commander";
import { type CliContext, CliExit, EXIT_FAILURE } from "../context.ts";

export function registerLocal(program: Command, _ctx: CliContext): void {
  for (const name of ["up", "down", "status", "logs"]) {
    program
      .command(name)
      .description(`${name} (not available yet)`)
      .allowUnknownOption()
      .allowExcessArguments()
      .action(() => {
        throw new CliExit(EXIT_FAILURE, `cryptokube ${name}: not available yet (issue 3)`);
      });
  }
}
