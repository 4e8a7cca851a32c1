/** Hostile or accidental inputs: huge files, alias bombs, deep nesting, long dependency chains. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { MAX_STACK_FILE_BYTES, parseStack } from "@cryptokube/spec";

// No timings asserted here (benchmarks measure speed); a parser that expanded the bomb or
// recursed without bound would hang or run out of memory, and the timeout turns that into a
// failure instead of a stuck run.
const HANG_GUARD = { timeout: 60_000 };

test("a file over 1 MiB gives one diagnostic without being parsed", HANG_GUARD, () => {
  const text = `name: big\n# ${"x".repeat(MAX_STACK_FILE_BYTES)}\n`;
  const result = parseStack(text, "big.yaml");
  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.equal(result.diagnostics.length, 1);
  assert.match(result.diagnostics[0]?.message ?? "", /too large/);
  assert.equal(result.source, undefined);
});

test("a billion-laughs alias bomb is an error, not an expansion", HANG_GUARD, () => {
  const levels = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"];
  for (let i = 1; i < 12; i++) {
    const prev = String.fromCharCode(96 + i);
    const name = String.fromCharCode(97 + i);
    levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(", ")}]`);
  }
  const result = parseStack(`name: x\n${levels.join("\n")}\n`, "f");
  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.equal(result.diagnostics.length, 1);
  assert.match(result.diagnostics[0]?.message ?? "", /aliases expand to too much data/);
});

test("deeply nested values and long dependency chains neither throw nor hang", HANG_GUARD, () => {
  const deep = `name: x\napps:\n  web:\n    command: c\n    env:\n      X: ${"[".repeat(50_000)}${"]".repeat(50_000)}\n`;
  assert.equal(parseStack(deep, "f").ok, false);
  const apps = Array.from(
    { length: 5_000 },
    (_, i) => `  a${i}: { command: c, depends_on: [a${(i + 1) % 5_000}] }`,
  );
  const chain = parseStack(`name: x\napps:\n${apps.join("\n")}\n`, "f");
  assert.equal(chain.ok, false);
  if (chain.ok) return;
  // One loop through all 5,000 apps, reported once.
  assert.equal(chain.diagnostics.length, 1);
  assert.match(chain.diagnostics[0]?.message ?? "", /^dependency cycle: a0 -> a1 -> /);
});
