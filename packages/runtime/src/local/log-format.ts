/**
 * The merged view's line format: `name    | text`, names padded to the widest
 * one and, on a terminal, each component in its own colour.
 */
import { styleText } from "node:util";
import type { LogLine } from "./log-lines.ts";
import { SUPERVISOR_SOURCE } from "./state-layout.ts";

type Colour = Parameters<typeof styleText>[0];
const PALETTE: Colour[] = [
  "cyan",
  "green",
  "magenta",
  "blue",
  "yellow",
  "redBright",
  "cyanBright",
  "greenBright",
];

export interface LogFormatOptions {
  /** Sources expected in the stream (for the padding width and stable colours). */
  sources: string[];
  color: boolean;
  /** Prefix each line with its time (HH:MM:SS.mmm), for `logs`. */
  timestamps?: boolean;
}

export function createLogFormatter(options: LogFormatOptions): (line: LogLine) => string {
  const width = Math.max(
    0,
    ...[...options.sources, SUPERVISOR_SOURCE].map((source) => source.length),
  );
  const colourOf = (source: string): Colour => {
    if (source === SUPERVISOR_SOURCE) return "gray";
    const index = options.sources.indexOf(source);
    return PALETTE[(index >= 0 ? index : hash(source)) % PALETTE.length] ?? "cyan";
  };
  return (line) => {
    const name = line.source.padEnd(width);
    const prefix = options.color
      ? styleText(colourOf(line.source), `${name} |`, { validateStream: false })
      : `${name} |`;
    const time =
      options.timestamps === true ? `${new Date(line.time).toISOString().slice(11, 23)} ` : "";
    return `${time}${prefix} ${line.text}\n`;
  };
}

function hash(text: string): number {
  let value = 0;
  for (const char of text) value = (value * 31 + (char.codePointAt(0) ?? 0)) >>> 0;
  return value;
}
