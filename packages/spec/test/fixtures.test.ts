/**
 * Golden tests: every broken stack file in fixtures/invalid has its exact
 * formatted diagnostics in NN-name.expected.txt (regenerate with
 * UPDATE_FIXTURES=1, then review the diff by hand). Valid fixtures and the
 * templates must parse with no diagnostics.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { formatDiagnostics, parseStack, TEMPLATE_NAMES, TEMPLATES } from "@cryptokube/spec";

const here = import.meta.dirname;
const invalidDir = join(here, "fixtures", "invalid");
const validDir = join(here, "fixtures", "valid");
const update = process.env.UPDATE_FIXTURES === "1";

const invalid = readdirSync(invalidDir)
  .filter((f) => f.endsWith(".yaml"))
  .sort();

test("there are enough invalid fixtures to cover every diagnostic kind", () => {
  assert.ok(invalid.length >= 24, `only ${invalid.length} invalid fixtures`);
});

for (const name of invalid) {
  test(`invalid fixture ${name}`, () => {
    const text = readFileSync(join(invalidDir, name), "utf8");
    const result = parseStack(text, "cryptokube.yaml");
    assert.equal(result.ok, false, `${name} parsed without diagnostics`);
    if (result.ok) return;
    const actual = `${formatDiagnostics(result.diagnostics, { color: false, source: text })}\n`;
    const expectedFile = join(invalidDir, name.replace(/\.yaml$/, ".expected.txt"));
    if (update) writeFileSync(expectedFile, actual);
    assert.equal(actual, readFileSync(expectedFile, "utf8"));
    for (const d of result.diagnostics) {
      assert.ok(d.line >= 1 && d.col >= 1, `${name}: bad position ${d.line}:${d.col}`);
      assert.doesNotMatch(d.message, /Invalid input|Invalid option|Too (big|small)/);
    }
  });
}

for (const name of readdirSync(validDir)
  .filter((f) => f.endsWith(".yaml"))
  .sort()) {
  test(`valid fixture ${name}`, () => {
    const text = readFileSync(join(validDir, name), "utf8");
    const result = parseStack(text, name);
    assert.deepEqual(result.ok ? [] : result.diagnostics, []);
  });
}

test("templates exist for every name, and the dapp ships the app its stack runs", () => {
  assert.deepEqual(Object.keys(TEMPLATES), [...TEMPLATE_NAMES]);
  assert.match(TEMPLATES.dapp?.files?.["app/server.ts"] ?? "", /\/healthz/);
  assert.match(TEMPLATES.dapp?.text ?? "", /command: node app\/server\.ts/);
});

for (const [name, template] of Object.entries(TEMPLATES)) {
  test(`template ${name} validates and points editors at the schema`, () => {
    assert.match(template.text, /^# yaml-language-server: \$schema=https:\/\/cryptokube\.dev\//);
    const result = parseStack(template.text, `${name}.yaml`);
    assert.deepEqual(result.ok ? [] : result.diagnostics, []);
  });
}
