import assert from "node:assert/strict";
import { test } from "node:test";
import { stripVTControlCharacters } from "node:util";
import type { Diagnostic } from "@cryptokube/core";
import { formatDiagnostic, formatDiagnostics } from "@cryptokube/spec";

const source = "name: x\napps:\n  web:\n    depends_on:\n      - api\n      - dbb\n";
const diagnostic: Diagnostic = {
  file: "cryptokube.yaml",
  line: 6,
  col: 9,
  path: "apps.web.depends_on[1]",
  message: "refers to app 'dbb', which is not defined in apps",
  expected: "one of: api, db",
  found: "dbb",
  suggestion: "did you mean 'db'?",
};

test("the layout is stable: location, path, message, details, excerpt with caret", () => {
  assert.equal(
    formatDiagnostic(diagnostic, { color: false, source }),
    [
      "cryptokube.yaml:6:9 apps.web.depends_on[1]: refers to app 'dbb', which is not defined in apps",
      "  expected: one of: api, db",
      "  found: dbb",
      "  did you mean 'db'?",
      "  6 |       - dbb",
      "    |         ^",
    ].join("\n"),
  );
});

test("without source, or with an empty path, the excerpt and path are left out", () => {
  const bare: Diagnostic = {
    file: "f.yaml",
    line: 1,
    col: 1,
    path: "",
    message: "the stack file is empty",
  };
  assert.equal(formatDiagnostic(bare, { color: false }), "f.yaml:1:1 the stack file is empty");
});

test("tabs before the column are kept so the caret lines up", () => {
  const text = formatDiagnostic(
    { file: "f", line: 1, col: 3, path: "", message: "m" },
    { color: false, source: "\t\tx: 1" },
  );
  assert.ok(text.endsWith("  1 | \t\tx: 1\n    | \t\t^"));
});

test("colour adds ANSI styles and nothing else", () => {
  const coloured = formatDiagnostic(diagnostic, { color: true, source });
  assert.notEqual(coloured, stripVTControlCharacters(coloured));
  assert.equal(
    stripVTControlCharacters(coloured),
    formatDiagnostic(diagnostic, { color: false, source }),
  );
});

test("several diagnostics are separated by a blank line", () => {
  const second = { ...diagnostic, line: 5, path: "apps.web.depends_on[0]" };
  const text = formatDiagnostics([second, diagnostic], { color: false });
  assert.equal(text.split("\n\n").length, 2);
  assert.ok(text.startsWith("cryptokube.yaml:5:9 apps.web.depends_on[0]:"));
});
