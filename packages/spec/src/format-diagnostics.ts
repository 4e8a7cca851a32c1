/**
 * Human-readable diagnostics. The layout is stable (tests assert it exactly):
 *
 *   cryptokube.yaml:12:7 apps.web.depends_on[1]: refers to app 'dbb', which is not defined in apps
 *     expected: one of: api, db
 *     found: dbb
 *     did you mean 'db'?
 *     12 |     - dbb
 *        |       ^
 */
import { styleText } from "node:util";
import type { Diagnostic } from "@cryptokube/core";
import { VALUE_NOT_SHOWN } from "./describe-value.ts";

export interface FormatOptions {
  /** ANSI colours (always emitted when true; the caller decides from the terminal). */
  color: boolean;
  /** Text of the file, to print the offending line with a caret under the column. */
  source?: string | undefined;
}

type Style = Parameters<typeof styleText>[0];

export function formatDiagnostic(diagnostic: Diagnostic, options: FormatOptions): string {
  return render(diagnostic, options.color, splitLines(options.source));
}

export function formatDiagnostics(list: readonly Diagnostic[], options: FormatOptions): string {
  const lines = splitLines(options.source);
  return list.map((d) => render(d, options.color, lines)).join("\n\n");
}

function splitLines(source: string | undefined): readonly string[] | undefined {
  return source === undefined ? undefined : source.split(/\r?\n|\r/);
}

function render(d: Diagnostic, color: boolean, lines: readonly string[] | undefined): string {
  const paint = (style: Style, text: string) =>
    color ? styleText(style, text, { validateStream: false }) : text;
  const location = paint("bold", `${d.file}:${d.line}:${d.col}`);
  const head =
    d.path === ""
      ? `${location} ${paint("red", d.message)}`
      : `${location} ${paint("cyan", d.path)}: ${paint("red", d.message)}`;
  const out = [head];
  if (d.expected !== undefined) out.push(`  ${paint("dim", "expected:")} ${d.expected}`);
  if (d.found !== undefined) out.push(`  ${paint("dim", "found:")} ${d.found}`);
  if (d.suggestion !== undefined) out.push(`  ${paint("green", d.suggestion)}`);
  const text = lines?.[d.line - 1];
  if (text !== undefined && text.trim() !== "") {
    const shown =
      d.found === VALUE_NOT_SHOWN ? `${text.slice(0, Math.max(0, d.col - 1))}***` : text.trimEnd();
    const gutter = String(d.line);
    // Keep tabs so the caret lines up under the same column as in the source line.
    const pad = shown.slice(0, Math.max(0, d.col - 1)).replace(/[^\t]/g, " ");
    out.push(`  ${paint("dim", `${gutter} |`)} ${shown}`);
    out.push(`  ${paint("dim", `${" ".repeat(gutter.length)} |`)} ${pad}${paint("red", "^")}`);
  }
  return out.join("\n");
}
