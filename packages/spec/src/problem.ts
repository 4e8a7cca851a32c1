/**
 * A problem located by document path, and its conversion to a positioned
 * Diagnostic through the file's source map.
 */
import type { Diagnostic, PathProblem } from "@cryptokube/core";
import { formatPath, type PathSegment, parsePath } from "./path.ts";
import type { Position, SourceMap } from "./source-map.ts";

export interface Problem {
  path: readonly PathSegment[];
  message: string;
  expected?: string | undefined;
  found?: string | undefined;
  suggestion?: string | undefined;
  /**
   * What to point at: the value (default), the key of the entry, or the n-th
   * occurrence of a piece of text inside a string value (a `${...}` reference).
   */
  at?: "value" | "key" | { text: string; occurrence: number };
}

function positionFor(problem: Problem, source: SourceMap): Position {
  const at = problem.at ?? "value";
  if (at === "value") return source.positionOf(problem.path);
  if (at === "key") return source.keyPositionOf(problem.path);
  const range = source.rangeOf(problem.path);
  if (range !== undefined) {
    const raw = source.text.slice(range[0], range[1]);
    let index = -1;
    for (let n = 0; n <= at.occurrence; n++) {
      index = raw.indexOf(at.text, index + 1);
      if (index < 0) break;
    }
    if (index >= 0) return source.positionAt(range[0] + index);
  }
  return source.positionOf(problem.path);
}

export function toDiagnostic(
  problem: Problem,
  source: SourceMap | undefined,
  file: string,
): Diagnostic {
  const { line, col } = source === undefined ? { line: 1, col: 1 } : positionFor(problem, source);
  const diagnostic: Diagnostic = {
    file,
    line,
    col,
    path: formatPath(problem.path),
    message: problem.message,
  };
  if (problem.expected !== undefined) diagnostic.expected = problem.expected;
  if (problem.found !== undefined) diagnostic.found = problem.found;
  if (problem.suggestion !== undefined) diagnostic.suggestion = problem.suggestion;
  return diagnostic;
}

/**
 * Positions problems found on plain data (e.g. by the planner, as PlanError
 * problems) in the file they came from.
 */
export function locateProblems(
  problems: readonly PathProblem[],
  source: SourceMap,
  file: string,
): Diagnostic[] {
  return sortDiagnostics(
    problems.map((p) => toDiagnostic({ ...p, path: parsePath(p.path) }, source, file)),
  );
}

/** By position, then path and message, so output is stable. */
export function sortDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  return [...list].sort(
    (a, b) =>
      a.line - b.line ||
      a.col - b.col ||
      compareText(a.path, b.path) ||
      compareText(a.message, b.message),
  );
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
