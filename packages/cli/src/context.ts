/**
 * Everything a command touches of the outside world, passed explicitly so the CLI
 * runs in-process in tests (`runCli(argv, context)`) exactly as it does from a shell.
 */
import { styleText } from "node:util";

export interface OutputStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

export interface CliContext {
  cwd: string;
  env: Record<string, string | undefined>;
  stdout: OutputStream;
  stderr: OutputStream;
  /** Aborted on Ctrl-C / SIGTERM; long-running commands stop cleanly when it fires. */
  signal: AbortSignal;
}

type Format = Parameters<typeof styleText>[0];

/** Colour only for terminals, never with NO_COLOR set (https://no-color.org) or when piped. */
export function colorEnabled(ctx: CliContext, stream: OutputStream): boolean {
  if (ctx.env.NO_COLOR !== undefined && ctx.env.NO_COLOR !== "") return false;
  if (ctx.env.FORCE_COLOR !== undefined && ctx.env.FORCE_COLOR !== "0") return true;
  if (ctx.env.TERM === "dumb") return false;
  return stream.isTTY === true;
}

export function createStyler(
  ctx: CliContext,
  stream: OutputStream,
): (format: Format, text: string) => string {
  const enabled = colorEnabled(ctx, stream);
  return (format, text) => (enabled ? styleText(format, text, { validateStream: false }) : text);
}

/** Thrown by commands to end with a given exit code after printing their own message. */
export class CliExit extends Error {
  override name = "CliExit";
  readonly exitCode: number;
  constructor(exitCode: number, message = "") {
    super(message);
    this.exitCode = exitCode;
  }
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export function writeJson(ctx: CliContext, value: unknown): void {
  ctx.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
