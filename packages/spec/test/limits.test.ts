/** Hostile or accidental inputs: huge files, alias bombs, deep nesting, long dependency chains. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { MAX_STACK_FILE_BYTES, parseStack } from "@cryptokube/spec";

function timed<T>(run: () => T): { value: T; ms: number } {
  const start = performance.now();
  const value = run();
  return { value, ms: performance.now() - start };
}

test("a file over 1 MiB gives one diagnostic without being parsed", () => {
  const text = `name: big\n# ${"x".repeat(MAX_STACK_FILE_BYTES)}\n`;
  const { value: result, ms } = timed(() => parseStack(text, "big.yaml"));
  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.equal(result.diagnostics.length, 1);
  assert.match(result.diagnostics[0]?.message ?? "", /too large/);
  assert.equal(result.source, undefined);
  assert.ok(ms < 200, `took ${ms} ms`);
});

test("a billion-laughs alias bomb is an error, quickly", () => {
  const levels = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"];
  for (let i = 1; i < 12; i++) {
    const prev = String.fromCharCode(96 + i);
    const name = String.fromCharCode(97 + i);
    levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(", ")}]`);
  }
  const { value: result, ms } = timed(() => parseStack(`name: x\n${levels.join("\n")}\n`, "f"));
  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.equal(result.diagnostics.length, 1);
  assert.match(result.diagnostics[0]?.message ?? "", /aliases expand to too much data/);
  assert.ok(ms < 1000, `took ${ms} ms`);
});

test("deeply nested values and long dependency chains neither throw nor hang", () => {
  const deep = `name: x\napps:\n  web:\n    command: c\n    env:\n      X: ${"[".repeat(50_000)}${"]".repeat(50_000)}\n`;
  const nested = timed(() => parseStack(deep, "f"));
  assert.equal(nested.value.ok, false);
  const apps = Array.from(
    { length: 5_000 },
    (_, i) => `  a${i}: { command: c, depends_on: [a${(i + 1) % 5_000}] }`,
  );
  const chain = timed(() => parseStack(`name: x\napps:\n${apps.join("\n")}\n`, "f"));
  assert.equal(chain.value.ok, false);
  if (chain.value.ok) return;
  // One loop through all 5,000 apps, reported once.
  assert.equal(chain.value.diagnostics.length, 1);
  assert.match(chain.value.diagnostics[0]?.message ?? "", /^dependency cycle: a0 -> a1 -> /);
  assert.ok(nested.ms + chain.ms < 10_000, `took ${nested.ms} + ${chain.ms} ms`);
});
