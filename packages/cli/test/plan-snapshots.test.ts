/**
 * `plan --json` of every example and template, on every target, is pinned by a
 * snapshot and byte-identical across runs. A target a stack cannot run on is
 * pinned too: its diagnostics are part of the snapshot.
 * Regenerate with UPDATE_SNAPSHOTS=1 after an intended change, and read the diff.
 */
import assert from "node:assert/strict";
import { existsSync, globSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, it } from "node:test";
import { TARGETS } from "@cryptokube/plan/types";
import { TEMPLATES } from "@cryptokube/spec";
import { checkStackText } from "../src/load-stack.ts";

const repo = join(import.meta.dirname, "..", "..", "..");
const snapshots = join(import.meta.dirname, "__snapshots__");
const update = process.env.UPDATE_SNAPSHOTS === "1";

const stacks: { name: string; file: string; text: string }[] = [
  ...Object.entries(TEMPLATES).map(([name, t]) => ({
    name: `template-${name}`,
    file: "cryptokube.yaml",
    text: t.text,
  })),
  ...globSync("examples/*/cryptokube.yaml", { cwd: repo })
    .sort()
    .map((file) => ({
      name: `example-${file.split("/")[1]}`,
      file: relative(join(repo, file, ".."), join(repo, file)),
      text: readFileSync(join(repo, file), "utf8"),
    })),
];

function render(text: string, file: string, target: (typeof TARGETS)[number]): string {
  const result = checkStackText(text, file, target);
  return `${JSON.stringify(result.ok ? result.plan : { diagnostics: result.diagnostics }, null, 2)}\n`;
}

describe("plan snapshots", () => {
  it("covers every template and example", () => {
    assert.ok(stacks.some((s) => s.name === "example-hello-dapp"));
    assert.ok(stacks.filter((s) => s.name.startsWith("template-")).length >= 3);
  });
  for (const stack of stacks) {
    for (const target of TARGETS) {
      it(`${stack.name} on ${target}`, () => {
        const first = render(stack.text, stack.file, target);
        const second = render(stack.text, stack.file, target);
        assert.equal(first, second, "plan output differs between two runs");
        const path = join(snapshots, `${stack.name}.${target}.json`);
        if (update || !existsSync(path)) {
          if (!update && process.env.CI)
            assert.fail(`missing snapshot ${path}; run with UPDATE_SNAPSHOTS=1`);
          mkdirSync(snapshots, { recursive: true });
          writeFileSync(path, first);
        }
        assert.equal(first, readFileSync(path, "utf8"));
      });
    }
  }
  it("the embedded plans of templates and examples have no diagnostics", () => {
    for (const stack of stacks.filter(
      (s) => s.name === "example-hello-dapp" || s.name === "template-dapp",
    )) {
      const result = checkStackText(stack.text, stack.file, "embedded");
      assert.ok(result.ok, `${stack.name}: ${JSON.stringify(!result.ok && result.diagnostics)}`);
    }
  });
});
