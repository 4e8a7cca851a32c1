/** Local-target lifecycle commands: `up`, `down`, `status`, `logs`, each in its own file. */
import { dirname } from "node:path";
import type { Command } from "commander";
import type { CliContext } from "../context.ts";
import { findStackFile } from "../load-stack.ts";
import { registerDown } from "./down.ts";
import { registerLogs } from "./logs.ts";
import { registerStatus } from "./status.ts";
import { registerUp } from "./up.ts";

export function registerLocal(program: Command, ctx: CliContext): void {
  registerUp(program, ctx);
  registerDown(program, ctx);
  registerStatus(program, ctx);
  registerLogs(program, ctx);
}

/**
 * The directory whose `.cryptokube/` holds a stack's local state. Only the file's
 * location matters: `down`, `status` and `logs` work even if it no longer parses.
 */
export function stackDirOf(ctx: CliContext, file: string | undefined): string {
  return dirname(findStackFile(ctx, file));
}

export function writeWarning(ctx: CliContext, message: string): void {
  ctx.stderr.write(`warning: ${message}\n`);
}
