/** Options shared by several commands, declared once so they read the same everywhere. */

import { TARGETS, type TargetName } from "@cryptokube/plan/types";
import { type Command, InvalidArgumentError, Option } from "commander";

export function withFile(command: Command): Command {
  return command.option("-f, --file <path>", "stack file (default: ./cryptokube.yaml)");
}

export function withTarget(command: Command, fallback: TargetName = "embedded"): Command {
  return command.addOption(
    new Option("-t, --target <target>", "where the stack runs")
      .choices([...TARGETS])
      .default(fallback)
      .env("CRYPTOKUBE_TARGET"),
  );
}

export function withJson(command: Command): Command {
  return command.option("--json", "print machine-readable JSON on stdout");
}

export function parseDuration(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value);
  if (match === null)
    throw new InvalidArgumentError(`expected a duration like 30s, 5m or 1h, got '${value}'`);
  const unit = match[2] ?? "s";
  const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit] ?? 1000;
  return Number(match[1]) * factor;
}

export interface FileOption {
  file?: string;
}
export interface TargetOption {
  target: TargetName;
}
export interface JsonOption {
  json?: boolean;
}
