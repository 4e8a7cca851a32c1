/**
 * Bounded, deterministic fuzzing: 10,000 mutations of the templates and valid
 * fixtures, on the text and on the parsed data. parseStack must never throw and
 * must answer either ok or with well-formed, positioned diagnostics.
 */
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: stack-file references (${...}) are plain strings here
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { formatDiagnostics, parseStack, TEMPLATES } from "@cryptokube/spec";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";

const ITERATIONS = 10_000;
const SEED = 0xc0ffee;
const TIME_LIMIT_MS = 45_000;

/** mulberry32: tiny, fast, deterministic. */
function createRandom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  return { next, int, pick };
}
type Random = ReturnType<typeof createRandom>;

const GARBAGE = [
  ..."abcxyz019 :{}[],-#&*!|>'\"\t\n$%@?~\\.\u00e9\u{1f600}",
  "${",
  "$${",
  "}",
  "---\n",
  "<<: ",
];

const textMutations: ((text: string, r: Random) => string)[] = [
  (t, r) => {
    const at = r.int(t.length + 1);
    return t.slice(0, at) + r.pick(GARBAGE) + t.slice(at);
  },
  (t, r) => t.slice(0, r.int(t.length + 1)),
  (t, r) => {
    const at = r.int(t.length + 1);
    return t.slice(0, at) + t.slice(at + 1 + r.int(8));
  },
  (t, r) => mapLines(t, r, (lines, i) => lines.splice(i, 0, lines[i] ?? "")),
  (t, r) => mapLines(t, r, (lines, i) => lines.splice(i, 1)),
  (t, r) =>
    mapLines(t, r, (lines, i) => {
      const j = r.int(lines.length);
      [lines[i], lines[j]] = [lines[j] ?? "", lines[i] ?? ""];
    }),
  (t, r) =>
    mapLines(t, r, (lines, i) => {
      const line = lines[i] ?? "";
      lines[i] = r.next() < 0.5 ? `  ${line}` : line.replace(/^ {1,2}/, "");
    }),
];

function mapLines(text: string, r: Random, edit: (lines: string[], i: number) => void): string {
  const lines = text.split("\n");
  edit(lines, r.int(lines.length));
  return lines.join("\n");
}

/** Text mutations start from any fixture; data mutations need a file that parses as YAML. */
interface Seeds {
  valid: string[];
  all: string[];
}

function yamlFiles(kind: "valid" | "invalid"): string[] {
  const dir = join(import.meta.dirname, "fixtures", kind);
  return readdirSync(dir)
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .map((f) => readFileSync(join(dir, f), "utf8"));
}

type Container = Record<string, unknown> | unknown[];

/** Every (container, key) pair in the data, so a mutation can target any node. */
function slotsOf(data: unknown): [Container, string | number][] {
  const slots: [Container, string | number][] = [];
  const visit = (value: unknown) => {
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        slots.push([value, i]);
        visit(item);
      });
    } else if (typeof value === "object" && value !== null) {
      for (const [key, item] of Object.entries(value)) {
        slots.push([value as Record<string, unknown>, key]);
        visit(item);
      }
    }
  };
  visit(data);
  return slots;
}

function typo(word: string, r: Random): string {
  const at = r.int(Math.max(1, word.length));
  const kind = r.int(3);
  if (kind === 0) return word.slice(0, at) + word.slice(at + 1);
  if (kind === 1)
    return word.slice(0, at) + "abcdefghijklmnopqrstuvwxyz"[r.int(26)] + word.slice(at);
  return word.slice(0, at) + (word[at + 1] ?? "") + (word[at] ?? "") + word.slice(at + 2);
}

const RANDOM_VALUES: unknown[] = [
  0,
  -1,
  1.5,
  70_000,
  "",
  "x",
  "Bad_Name",
  true,
  null,
  [],
  {},
  ["a"],
  { a: 1 },
  "${chains.eth.rpc}",
  "${nope}",
];

const dataMutations: ((data: unknown, r: Random) => void)[] = [
  // delete a key or item
  (data, r) => {
    const slots = slotsOf(data);
    if (slots.length === 0) return;
    const [container, key] = r.pick(slots);
    if (Array.isArray(container)) container.splice(Number(key), 1);
    else delete container[key];
  },
  // rename a key with a typo
  (data, r) => {
    const slots = slotsOf(data).filter(([c]) => !Array.isArray(c));
    if (slots.length === 0) return;
    const [container, key] = r.pick(slots) as [Record<string, unknown>, string];
    container[typo(key, r)] = container[key];
    delete container[key];
  },
  // change a value's type
  (data, r) => {
    const slots = slotsOf(data);
    if (slots.length === 0) return;
    const [container, key] = r.pick(slots);
    (container as Record<string | number, unknown>)[key] = structuredClone(r.pick(RANDOM_VALUES));
  },
  // swap two values
  (data, r) => {
    const slots = slotsOf(data);
    if (slots.length < 2) return;
    const [a, ka] = r.pick(slots);
    const [b, kb] = r.pick(slots);
    const ra = a as Record<string | number, unknown>;
    const rb = b as Record<string | number, unknown>;
    // Clones, so swapping a node with its own ancestor cannot create a cycle.
    [ra[ka], rb[kb]] = [structuredClone(rb[kb]), structuredClone(ra[ka])];
  },
];

function mutate(seeds: Seeds, r: Random, i: number): string {
  const rounds = 1 + r.int(3);
  if (i % 2 === 0) {
    let text = r.pick(seeds.all);
    for (let n = 0; n < rounds; n++) text = r.pick(textMutations)(text, r);
    return text;
  }
  const data: unknown = parseYaml(r.pick(seeds.valid));
  for (let n = 0; n < rounds; n++) r.pick(dataMutations)(data, r);
  return stringifyYaml(data);
}

test(`parseStack survives ${ITERATIONS} seeded mutations`, (t) => {
  const valid = [...Object.values(TEMPLATES).map((tpl) => tpl.text), ...yamlFiles("valid")];
  const seeds: Seeds = { valid, all: [...valid, ...yamlFiles("invalid")] };
  const r = createRandom(SEED);
  let ok = 0;
  let failed = 0;
  const start = performance.now();
  for (let i = 0; i < ITERATIONS; i++) {
    const text = mutate(seeds, r, i);
    const context = () => `iteration ${i} (seed ${SEED}):\n${text}`;
    let result: ReturnType<typeof parseStack>;
    try {
      result = parseStack(text, "fuzz.yaml");
    } catch (error) {
      assert.fail(`parseStack threw ${String(error)} at ${context()}`);
    }
    if (result.ok) {
      ok++;
      assert.equal(typeof result.stack.name, "string", context());
      continue;
    }
    failed++;
    assert.ok(result.diagnostics.length >= 1, context());
    const lineCount = text.split(/\r?\n|\r/).length;
    for (const d of result.diagnostics) {
      assert.ok(
        d.line >= 1 && d.col >= 1 && d.line <= lineCount + 1,
        `${d.line}:${d.col} ${context()}`,
      );
      assert.ok(d.message.trim().length > 0, context());
      assert.doesNotMatch(d.message, /Invalid input/, context());
    }
    assert.ok(formatDiagnostics(result.diagnostics, { color: false, source: text }).length > 0);
    if (performance.now() - start > TIME_LIMIT_MS)
      assert.fail(`over ${TIME_LIMIT_MS} ms after ${i} cases`);
  }
  const ms = Math.round(performance.now() - start);
  t.diagnostic(`${ITERATIONS} cases in ${ms} ms: ${ok} valid, ${failed} with diagnostics`);
  // The mutations must exercise both outcomes, or the test proves little.
  assert.ok(ok > 100 && failed > ITERATIONS / 2, `${ok} valid, ${failed} invalid`);
});
