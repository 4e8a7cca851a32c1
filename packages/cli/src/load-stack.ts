/**
 * Finds, parses, validates and plans the stack file for a command. Every problem,
 * from YAML syntax to a package that cannot run on the chosen target, ends up as
 * positioned diagnostics on stderr and exit code 2.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { type Diagnostic, PlanError } from "@cryptokube/core";
import { createPlan, type Plan } from "@cryptokube/plan";
import type { TargetName } from "@cryptokube/plan/types";
import {
  formatDiagnostics,
  locateProblems,
  parseStack,
  type SourceMap,
  type Stack,
} from "@cryptokube/spec";
import { type CliContext, CliExit, colorEnabled, EXIT_USAGE } from "./context.ts";

export const DEFAULT_STACK_FILES = ["cryptokube.yaml", "cryptokube.yml"];

export interface LoadedStack {
  /** Absolute path of the stack file. */
  file: string;
  /** The file name as shown in diagnostics (as given, or relative to the cwd). */
  shownFile: string;
  /** Directory holding the stack file: apps' cwd and `.cryptokube/` are relative to it. */
  dir: string;
  text: string;
  stack: Stack;
  source: SourceMap;
}

export type CheckResult = { ok: true; plan: Plan } | { ok: false; diagnostics: Diagnostic[] };

export function findStackFile(ctx: CliContext, file: string | undefined): string {
  const given = file ?? ctx.env.CRYPTOKUBE_FILE;
  if (given !== undefined && given !== "") {
    const path = resolve(ctx.cwd, given);
    if (!existsSync(path) || !statSync(path).isFile()) fail(ctx, `stack file not found: ${given}`);
    return path;
  }
  for (const name of DEFAULT_STACK_FILES) {
    const path = resolve(ctx.cwd, name);
    if (existsSync(path)) return path;
  }
  return fail(
    ctx,
    `no cryptokube.yaml in ${ctx.cwd}\n  create one with \`cryptokube init\`, or pass --file <path>`,
  );
}

export function loadStack(ctx: CliContext, file: string | undefined): LoadedStack {
  const path = findStackFile(ctx, file);
  const shownFile = file ?? relativeName(ctx, path);
  const text = readFileSync(path, "utf8");
  const result = parseStack(text, shownFile);
  if (!result.ok) {
    printDiagnostics(ctx, result.diagnostics, text);
    throw new CliExit(EXIT_USAGE);
  }
  return {
    file: path,
    shownFile,
    dir: dirname(path),
    text,
    stack: result.stack,
    source: result.source,
  };
}

export function planStack(ctx: CliContext, loaded: LoadedStack, target: TargetName): Plan {
  const result = planParsed(loaded.stack, loaded.source, loaded.shownFile, target);
  if (!result.ok) {
    printDiagnostics(ctx, result.diagnostics, loaded.text);
    throw new CliExit(EXIT_USAGE);
  }
  return result.plan;
}

/** Parse, validate and plan a stack file's text: a plan, or every diagnostic with its position. */
export function checkStackText(text: string, file: string, target: TargetName): CheckResult {
  const parsed = parseStack(text, file);
  if (!parsed.ok) return { ok: false, diagnostics: parsed.diagnostics };
  return planParsed(parsed.stack, parsed.source, file, target);
}

function planParsed(
  stack: Stack,
  source: SourceMap,
  file: string,
  target: TargetName,
): CheckResult {
  try {
    return { ok: true, plan: createPlan(stack, { target }) };
  } catch (error) {
    if (!(error instanceof PlanError)) throw error;
    return { ok: false, diagnostics: locateProblems(error.problems, source, file) };
  }
}

export function printDiagnostics(ctx: CliContext, diagnostics: Diagnostic[], text?: string): void {
  const formatted = formatDiagnostics(diagnostics, {
    color: colorEnabled(ctx, ctx.stderr),
    ...(text === undefined ? {} : { source: text }),
  });
  const count = diagnostics.length;
  ctx.stderr.write(`${formatted}\n\n${count} error${count === 1 ? "" : "s"}\n`);
}

function relativeName(ctx: CliContext, path: string): string {
  return path.startsWith(`${ctx.cwd}/`) ? path.slice(ctx.cwd.length + 1) : path;
}

function fail(ctx: CliContext, message: string): never {
  ctx.stderr.write(`error: ${message}\n`);
  throw new CliExit(EXIT_USAGE);
}
