/**
 * Parses and validates a stack file, reporting every problem at once with its
 * position: YAML syntax and shape, duplicate keys, schema errors, and the
 * cross-field rules (dependencies, references, chains named by services...).
 */
import type { Diagnostic } from "@cryptokube/core";
import { checkStack } from "./checks/check-stack.ts";
import { sortDiagnostics, toDiagnostic } from "./problem.ts";
import { keyDiagnostics, readYaml, toData } from "./read-yaml.ts";
import { type Stack, stackSchema } from "./schema.ts";
import { problemsFromIssues } from "./schema-diagnostics.ts";
import type { SourceMap } from "./source-map.ts";

/** Larger stack files are refused before parsing: they are mistakes, or attacks on the parser. */
export const MAX_STACK_FILE_BYTES = 1024 * 1024;

export type ParseResult =
  | { ok: true; stack: Stack; source: SourceMap }
  | { ok: false; diagnostics: Diagnostic[]; source: SourceMap | undefined };

export function parseStack(text: string, file: string): ParseResult {
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > MAX_STACK_FILE_BYTES) {
    return {
      ok: false,
      source: undefined,
      diagnostics: [
        {
          file,
          line: 1,
          col: 1,
          path: "",
          message: "the stack file is too large to be a stack file",
          expected: `at most ${MAX_STACK_FILE_BYTES} bytes (1 MiB)`,
          found: `${bytes} bytes`,
          suggestion: "check that this is the right file",
        },
      ],
    };
  }
  const { source, document, fatal } = readYaml(text, file);
  if (fatal.length > 0 || document === undefined) {
    return { ok: false, source, diagnostics: sortDiagnostics(fatal) };
  }
  const keyProblems = keyDiagnostics(document, source, file);
  const converted = toData(document, source, file);
  if ("diagnostic" in converted) {
    return {
      ok: false,
      source,
      diagnostics: sortDiagnostics([...keyProblems, converted.diagnostic]),
    };
  }
  const { data } = converted;
  const result = stackSchema.safeParse(data);
  const schemaDiagnostics = result.success
    ? []
    : problemsFromIssues(result.error.issues, stackSchema, data).map((p) =>
        toDiagnostic(p, source, file),
      );
  // A value the schema already rejected is not reported twice.
  const rejected = new Set(schemaDiagnostics.map((d) => d.path));
  const crossDiagnostics = checkStack(data)
    .map((p) => toDiagnostic(p, source, file))
    .filter((d) => !rejected.has(d.path));
  const diagnostics = [...keyProblems, ...schemaDiagnostics, ...crossDiagnostics];
  if (diagnostics.length > 0 || !result.success) {
    return { ok: false, source, diagnostics: sortDiagnostics(diagnostics) };
  }
  return { ok: true, stack: result.data, source };
}
