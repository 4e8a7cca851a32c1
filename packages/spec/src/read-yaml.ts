/**
 * YAML-level reading of the stack file: syntax errors, the document's shape,
 * duplicate and non-scalar keys, and conversion to plain data with a cap on
 * alias expansion (so a "billion laughs" file is an error, never a hang).
 */
import type { Diagnostic } from "@cryptokube/core";
import {
  type Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseAllDocuments,
  type YAMLError,
} from "yaml";
import { describeFound } from "./describe-value.ts";
import { formatPath, type PathSegment } from "./path.ts";
import { createSourceMap, keyText, type Position, type SourceMap } from "./source-map.ts";

/** Alias expansions allowed when converting to data; yaml's own default, made explicit. */
export const MAX_ALIAS_COUNT = 100;

/** Syntax errors reported at most; later ones are mostly consequences of the first. */
export const MAX_SYNTAX_ERRORS = 10;

export interface YamlRead {
  source: SourceMap;
  document: Document.Parsed | undefined;
  /** Problems that stop further validation (syntax, empty file, not a mapping...). */
  fatal: Diagnostic[];
}

interface Fields {
  path?: string;
  message: string;
  expected?: string | undefined;
  found?: string | undefined;
  suggestion?: string | undefined;
}

function diagnosticAt(file: string, position: Position, fields: Fields): Diagnostic {
  const { expected, found, suggestion, path = "", message } = fields;
  const diagnostic: Diagnostic = { file, line: position.line, col: position.col, path, message };
  if (expected !== undefined) diagnostic.expected = expected;
  if (found !== undefined) diagnostic.found = found;
  if (suggestion !== undefined) diagnostic.suggestion = suggestion;
  return diagnostic;
}

export function readYaml(text: string, file: string): YamlRead {
  const lineCounter = new LineCounter();
  const parsed = parseAllDocuments(text, {
    lineCounter,
    keepSourceTokens: true,
    // Duplicates are reported by duplicateKeys() with both lines named.
    uniqueKeys: false,
    prettyErrors: true,
    // Keeps yaml from writing process warnings; everything is reported as a diagnostic.
    logLevel: "error",
  });
  const documents = Array.isArray(parsed) ? parsed : [];
  const first = documents[0];
  const source = createSourceMap(first, lineCounter, text);
  const fatal: Diagnostic[] = [];
  // One syntax error often sets off more on the same line or those after it: report the first
  // per line, and at most MAX_SYNTAX_ERRORS, so the real mistake is not buried.
  const linesSeen = new Set<number>();
  for (const doc of documents) {
    for (const error of [...doc.errors, ...doc.warnings]) {
      const diagnostic = syntaxDiagnostic(error, source, file);
      if (linesSeen.has(diagnostic.line) || linesSeen.size >= MAX_SYNTAX_ERRORS) continue;
      linesSeen.add(diagnostic.line);
      fatal.push(diagnostic);
    }
  }
  const extra = documents.slice(1).find((doc) => doc.contents !== null);
  if (extra !== undefined) {
    fatal.push(
      diagnosticAt(file, source.positionAt(extra.range[0]), {
        message: "the file holds more than one YAML document",
        expected: "a single document",
        found: `${documents.length} documents`,
        suggestion: "remove the '---' line, or move the other documents into files of their own",
      }),
    );
  }
  if (fatal.length > 0) return { source, document: first, fatal };
  const contents = first?.contents ?? null;
  if (contents === null || (isScalar(contents) && contents.value === null)) {
    fatal.push(
      diagnosticAt(
        file,
        { line: 1, col: 1 },
        {
          message: "the stack file is empty",
          expected: "a mapping with at least 'name'",
          found: "no content",
          suggestion: "start from a template: cryptokube init dapp",
        },
      ),
    );
  } else if (!isMap(contents)) {
    fatal.push(
      diagnosticAt(file, source.positionOf([]), {
        message: "the stack file must be a mapping of keys such as name, chains and apps",
        expected: "a mapping",
        found: isSeq(contents)
          ? "a list"
          : describeFound(isScalar(contents) ? contents.value : undefined),
      }),
    );
  }
  return { source, document: first, fatal };
}

function syntaxDiagnostic(error: YAMLError, source: SourceMap, file: string): Diagnostic {
  const position = error.linePos?.[0] ?? source.positionAt(error.pos[0]);
  const raw = error.message.replace(/ at line \d+, column \d+:[\s\S]*$/, "").trim();
  const message = plainSyntaxMessage(raw);
  return diagnosticAt(file, position, {
    message: message === "" ? "invalid YAML" : message,
    suggestion: /followed by map values/.test(raw)
      ? "add ':' after the key, or check the indentation"
      : SYNTAX_HINTS[error.code],
  });
}

/** yaml's lexer jargon ("Unexpected map-value-ind token in YAML stream") in plain words. */
function plainSyntaxMessage(message: string): string {
  const unexpected = /^Unexpected ([\w-]+) token in YAML stream: (.*)$/.exec(message);
  if (unexpected === null) return message;
  const [, kind = "", text = ""] = unexpected;
  return kind === "scalar"
    ? `unexpected text ${text}: it is not part of any key or list here`
    : `unexpected ${text} here`;
}

const SYNTAX_HINTS: Partial<Record<YAMLError["code"], string>> = {
  TAB_AS_INDENT: "indent with spaces, not tabs",
  BAD_INDENT: "check the indentation of this line against the lines above",
  BLOCK_AS_IMPLICIT_KEY:
    "put a nested mapping on its own lines, indented under its key, or quote a value that contains ': '",
  MULTILINE_IMPLICIT_KEY:
    "a key must fit on one line: is a ':' missing at the end of this line, or the indentation off?",
  MISSING_CHAR: "add the missing character",
  UNEXPECTED_TOKEN: "check the indentation and the brackets, quotes and colons around here",
  TAG_RESOLVE_FAILED: "remove the tag: the stack file uses plain YAML values",
};

/**
 * Duplicate keys (at the second occurrence, naming the first one's line) and
 * keys that are lists or mappings. Iterative, so deep nesting cannot overflow.
 */
export function keyDiagnostics(
  doc: Document.Parsed,
  source: SourceMap,
  file: string,
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const pending: { node: unknown; path: PathSegment[] }[] = [{ node: doc.contents, path: [] }];
  while (pending.length > 0) {
    const { node, path } = pending.pop()!;
    if (isSeq(node)) {
      node.items.forEach((item, index) => {
        pending.push({ node: isPair(item) ? item.value : item, path: [...path, index] });
      });
      continue;
    }
    if (!isMap(node)) continue;
    const firstLine = new Map<string, number>();
    for (const pair of node.items) {
      const key = keyText(pair.key);
      const keyStart = (pair.key as Node | null)?.range?.[0];
      const position =
        keyStart === undefined ? source.positionOf(path) : source.positionAt(keyStart);
      if (key === undefined) {
        if (pair.key !== null && !isAlias(pair.key)) {
          diagnostics.push(
            diagnosticAt(file, position, {
              path: formatPath(path),
              message: "a key must be a plain name, not a list or a mapping",
              expected: "a name",
              found: isSeq(pair.key) ? "a list" : "a mapping",
            }),
          );
        }
        continue;
      }
      const seen = firstLine.get(key);
      if (seen === undefined) firstLine.set(key, position.line);
      else {
        diagnostics.push(
          diagnosticAt(file, position, {
            path: formatPath([...path, key]),
            message: `duplicate key '${key}' (first defined on line ${seen})`,
            expected: "each key once per mapping",
            found: `'${key}' again`,
            suggestion: "remove one of them, or merge their contents",
          }),
        );
      }
      pending.push({ node: pair.value, path: [...path, key] });
    }
  }
  return diagnostics;
}

/** Plain data of the document, or a diagnostic when alias expansion is excessive or broken. */
export function toData(
  doc: Document.Parsed,
  source: SourceMap,
  file: string,
): { data: unknown } | { diagnostic: Diagnostic } {
  try {
    return { data: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = firstAliasPosition(doc, source);
    if (/excessive alias count/i.test(message)) {
      return {
        diagnostic: diagnosticAt(file, position, {
          message: "YAML aliases expand to too much data (a 'billion laughs' pattern)",
          expected: `at most ${MAX_ALIAS_COUNT} alias expansions`,
          found: "aliases nested inside aliases",
          suggestion: "write the values out instead of nesting aliases",
        }),
      };
    }
    return {
      diagnostic: diagnosticAt(file, position, {
        message: message.replace(/\s+/g, " ").trim() || "the YAML could not be read",
        suggestion: /unresolved alias/i.test(message)
          ? "define the anchor (&name) on a node above its first use (*name)"
          : undefined,
      }),
    };
  }
}

function firstAliasPosition(doc: Document.Parsed, source: SourceMap): Position {
  let first: number | undefined;
  const pending: unknown[] = [doc.contents];
  while (pending.length > 0) {
    const node = pending.pop();
    if (isAlias(node)) {
      const start = node.range?.[0];
      if (start !== undefined && (first === undefined || start < first)) first = start;
    } else if (isMap(node)) {
      for (const pair of node.items) pending.push(pair.key, pair.value);
    } else if (isSeq(node)) {
      for (const item of node.items) pending.push(item);
    }
  }
  return first === undefined ? { line: 1, col: 1 } : source.positionAt(first);
}
