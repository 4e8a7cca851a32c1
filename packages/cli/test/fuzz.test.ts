/**
 * Bounded fuzz of the whole front end (parse, validate, plan) with 10,000 seeded
 * mutations of the templates and examples: it must never throw; every input gives
 * either a plan or positioned diagnostics (the CLI's exit 2).
 */
import assert from "node:assert/strict";
import { globSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { it } from "node:test";
import { TARGETS } from "@cryptokube/plan/types";
import { TEMPLATES } from "@cryptokube/spec";
import { parse, stringify } from "yaml";
import { checkStackText } from "../src/load-stack.ts";

const repo = join(import.meta.dirname, "..", "..", "..");
const seeds = [
  ...Object.values(TEMPLATES).map((t) => t.text),
  ...globSync("examples/*/cryptokube.yaml", { cwd: repo }).map((f) =>
    readFileSync(join(repo, f), "utf8"),
  ),
];

/** mulberry32: a tiny seeded PRNG so every run mutates the same way. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const GARBAGE = [
  "",
  ":",
  "- ",
  "{",
  "}",
  "[",
  "]",
  "&a",
  "*a",
  "!!binary",
  "${",
  "${chains.",
  "\t",
  "'",
  '"',
  "#",
  "? ",
  "|",
  ">",
  "0x",
  "-1",
  "1e999",
  "null",
  "~",
  "true",
  "\u0000",
  "é",
  "💥",
];
const KEYS = [
  "name",
  "type",
  "network",
  "client",
  "apps",
  "chains",
  "storage",
  "services",
  "ports",
  "depends_on",
  "env",
  "replicas",
  "gateway",
  "ipfs",
  "health",
  "command",
];
const VALUES: unknown[] = [
  null,
  true,
  0,
  -1,
  3.5,
  1e9,
  "",
  "x",
  "Bad Name",
  [],
  {},
  [1, "a"],
  { a: 1 },
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a stack-file reference, not a JS template
  "${chains.nope.rpc}",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a stack-file reference, not a JS template
  "${apps.web.url}",
];

function mutateText(text: string, random: () => number): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const lines = text.split("\n");
  const i = Math.floor(random() * lines.length);
  switch (Math.floor(random() * 6)) {
    case 0: {
      const line = lines[i] ?? "";
      const at = Math.floor(random() * (line.length + 1));
      lines[i] = line.slice(0, at) + pick(GARBAGE) + line.slice(at);
      return lines.join("\n");
    }
    case 1:
      lines.splice(i, 1);
      return lines.join("\n");
    case 2:
      lines.splice(i, 0, lines[i] ?? "");
      return lines.join("\n");
    case 3:
      return text.slice(0, Math.floor(random() * text.length));
    case 4: {
      const line = lines[i] ?? "";
      lines[i] = line.replace(/[a-z]/, (c) => String.fromCharCode(c.charCodeAt(0) + 1));
      return lines.join("\n");
    }
    default: {
      const line = lines[i] ?? "";
      lines[i] = random() < 0.5 ? `  ${line}` : line.replace(/^ {2}/, "");
      return lines.join("\n");
    }
  }
}

function mutateObject(text: string, random: () => number): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  let doc: unknown;
  try {
    doc = parse(text);
  } catch {
    return text;
  }
  const containers: Record<string, unknown>[] = [];
  const walk = (node: unknown): void => {
    if (node !== null && typeof node === "object") {
      containers.push(node as Record<string, unknown>);
      for (const child of Object.values(node)) walk(child);
    }
  };
  walk(doc);
  const target = pick(containers);
  if (target === undefined) return text;
  const keys = Object.keys(target);
  const key = keys.length > 0 ? pick(keys) : pick(KEYS);
  switch (Math.floor(random() * 4)) {
    case 0:
      delete target[key];
      break;
    case 1:
      target[`${key}${pick(["s", "_", "x"])}`] = target[key];
      delete target[key];
      break;
    case 2:
      target[key] = structuredClone(pick(VALUES));
      break;
    default:
      target[pick(KEYS)] = structuredClone(pick(VALUES));
  }
  return stringify(doc);
}

it("10,000 mutated stack files: always a plan or positioned diagnostics, never a throw", (t) => {
  const random = prng(20261123);
  const started = performance.now();
  let plans = 0;
  let rejected = 0;
  for (let n = 0; n < 10_000; n++) {
    const seed = seeds[n % seeds.length] ?? "";
    let text = random() < 0.5 ? mutateText(seed, random) : mutateObject(seed, random);
    if (random() < 0.3) text = mutateText(text, random);
    const target = TARGETS[n % TARGETS.length] ?? "embedded";
    let result: ReturnType<typeof checkStackText>;
    try {
      result = checkStackText(text, "fuzz.yaml", target);
    } catch (error) {
      assert.fail(`mutation ${n} threw ${String(error)}\n--- input ---\n${text}`);
    }
    if (result.ok) {
      plans += 1;
      continue;
    }
    rejected += 1;
    assert.ok(result.diagnostics.length > 0, `mutation ${n}: rejected without diagnostics`);
    for (const d of result.diagnostics) {
      assert.ok(
        d.line >= 1 && d.col >= 1 && d.message.length > 0,
        `mutation ${n}: bad diagnostic ${JSON.stringify(d)}`,
      );
    }
  }
  const seconds = (performance.now() - started) / 1000;
  assert.ok(
    plans > 100 && rejected > 1000,
    `mutations should both pass and fail: ${plans} plans, ${rejected} rejected`,
  );
  // Reported, not asserted: timings on a shared machine are noise (bench/ measures speed).
  t.diagnostic(`10,000 mutations in ${seconds.toFixed(1)} s: ${plans} plans, ${rejected} rejected`);
});
