import { readStackState, stopStack } from "@cryptokube/runtime";
import { type Command, Option } from "commander";
import { type CliContext, CliExit, createStyler, EXIT_FAILURE, writeJson } from "../context.ts";
import { type FileOption, type JsonOption, parseDuration, withFile, withJson } from "../options.ts";
import { stackDirOf, writeWarning } from "./local.ts";

interface DownOptions extends FileOption, JsonOption {
  volumes?: boolean;
  timeout: number;
}

export function registerDown(program: Command, ctx: CliContext): void {
  const command = program
    .command("down")
    .description(
      "stop the stack's supervisor and every component (SIGTERM, grace period, SIGKILL); data is kept",
    );
  withFile(command);
  withJson(command);
  command
    .option(
      "--volumes",
      "also delete the stack's data (chain state, IPFS blocks; on the docker target its named volumes)",
    )
    .addOption(
      new Option("--timeout <duration>", "how long the stack may take to stop before it is killed")
        .argParser(parseDuration)
        .default(10_000, "10s"),
    )
    .action(async (options: DownOptions) => {
      const stackDir = stackDirOf(ctx, options.file);
      const stack = readStackState(stackDir).state?.stack ?? "the stack";
      const result = await stopStack(stackDir, {
        timeoutMs: options.timeout,
        graceMs: Math.min(5000, options.timeout / 2),
        removeVolumes: options.volumes === true,
        onWarning: (message) => writeWarning(ctx, message),
        env: ctx.env,
      });
      if (options.json === true) writeJson(ctx, { stack, stackDir, ...result });
      else {
        const style = createStyler(ctx, ctx.stdout);
        const removed = result.containersRemoved ?? [];
        const stopped = result.wasRunning || result.leftovers.length > 0 || removed.length > 0;
        if (removed.length > 0)
          ctx.stdout.write(`removed left-over containers: ${removed.join(", ")}\n`);
        ctx.stdout.write(
          stopped
            ? `${style("green", "✓")} stopped ${stack}${result.supervisorPid === undefined ? "" : ` (supervisor pid ${result.supervisorPid})`}\n`
            : `nothing to stop: ${stack} is not running\n`,
        );
        ctx.stdout.write(
          result.volumesRemoved
            ? `data deleted (--volumes)${(result.dockerVolumesRemoved ?? []).length > 0 ? `: volumes ${(result.dockerVolumesRemoved ?? []).join(", ")}` : ""}\n`
            : stopped
              ? "data kept; `cryptokube down --volumes` deletes it\n"
              : "",
        );
      }
      if (result.busyPorts.length > 0) {
        const list = result.busyPorts
          .map((entry) => `port ${entry.port} (${entry.owner})`)
          .join(", ");
        throw new CliExit(
          EXIT_FAILURE,
          `error: ${list} still in use after stopping; another process holds it`,
        );
      }
    });
}
