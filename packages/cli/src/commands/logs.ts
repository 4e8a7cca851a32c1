import {
  createLogFormatter,
  followLogs,
  type LogLine,
  logSources,
  readLogs,
  readSavedPlan,
  SUPERVISOR_SOURCE,
} from "@cryptokube/runtime";
import { type Command, InvalidArgumentError, Option } from "commander";
import { type CliContext, CliExit, colorEnabled, EXIT_USAGE } from "../context.ts";
import { parseDuration } from "../options.ts";
import { stackDirOf } from "./local.ts";

interface LogsOptions {
  file?: string;
  follow?: boolean;
  since?: number;
  tail?: number;
  timestamps?: boolean;
}

export function registerLogs(program: Command, ctx: CliContext): void {
  program
    .command("logs")
    .description(
      "show the stack's merged log, each line prefixed by its component, ordered by time",
    )
    .argument(
      "[component...]",
      `only these components (or "${SUPERVISOR_SOURCE}" for the supervisor's own events)`,
    )
    // `-f` means --follow here (as in `tail -f`), so the stack file option has no short form.
    .option("--file <path>", "stack file (default: ./cryptokube.yaml)")
    .option("-f, --follow", "keep printing new lines until Ctrl-C")
    .addOption(
      new Option("--since <duration>", "only lines from the last duration, e.g. 5m").argParser(
        parseDuration,
      ),
    )
    .addOption(new Option("-n, --tail <lines>", "only the last N lines").argParser(parseCount))
    .option("-t, --timestamps", "prefix each line with its time")
    .action(async (components: string[], options: LogsOptions) => {
      const stackDir = stackDirOf(ctx, options.file);
      const warnings: string[] = [];
      const planned =
        readSavedPlan(stackDir, warnings)?.components.map((component) => component.name) ?? [];
      const known = [...new Set([...planned, ...logSources(stackDir)])];
      const unknown = components.filter(
        (name) => !known.includes(name) && name !== SUPERVISOR_SOURCE,
      );
      if (unknown.length > 0) {
        throw new CliExit(
          EXIT_USAGE,
          `error: no component named ${unknown.join(", ")} in this stack${known.length > 0 ? ` (components: ${known.filter((name) => name !== SUPERVISOR_SOURCE).join(", ")})` : ""}`,
        );
      }
      const format = createLogFormatter({
        sources: planned.length > 0 ? planned : known,
        color: colorEnabled(ctx, ctx.stdout),
        timestamps: options.timestamps === true,
      });
      const write = (lines: LogLine[]): void => {
        for (const line of lines) ctx.stdout.write(format(line));
      };
      const selection = {
        sources: components,
        ...(options.since === undefined ? {} : { since: Date.now() - options.since }),
        ...(options.tail === undefined ? {} : { tail: options.tail }),
      };
      if (options.follow === true) {
        await followLogs(stackDir, { ...selection, signal: ctx.signal, onLines: write });
        return;
      }
      const lines = readLogs(stackDir, selection);
      if (lines.length === 0)
        ctx.stderr.write(
          `no log lines${known.length === 0 ? ` yet in ${stackDir}/.cryptokube/logs` : ""}\n`,
        );
      write(lines);
    });
}

function parseCount(value: string): number {
  const count = Number(value);
  if (!Number.isInteger(count) || count < 0)
    throw new InvalidArgumentError(`expected a number of lines, got '${value}'`);
  return count;
}
