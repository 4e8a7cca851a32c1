/**
 * `plan --json` for the three template stacks on every target. A target a
 * template cannot run on snapshots its PlanError problems instead.
 * Regenerate with UPDATE_SNAPSHOTS=1.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { PlanError } from "@cryptokube/core";
import { createPlan, TARGETS } from "@cryptokube/plan";
import { loadFixture } from "./load-fixture.ts";

const SNAPSHOTS = join(import.meta.dirname, "__snapshots__");
const update = process.env.UPDATE_SNAPSHOTS === "1";

function planOrProblems(name: string, target: (typeof TARGETS)[number]): unknown {
  try {
    return createPlan(loadFixture(name), { target });
  } catch (error) {
    if (error instanceof PlanError) return { error: "PlanError", problems: error.problems };
    throw error;
  }
}

for (const name of ["dapp", "node", "bitcoin"]) {
  for (const target of TARGETS) {
    test(`snapshot: ${name} on ${target}`, () => {
      const actual = `${JSON.stringify(planOrProblems(name, target), null, 2)}\n`;
      const file = join(SNAPSHOTS, `${name}.${target}.json`);
      if (update || !existsSync(file)) {
        writeFileSync(file, actual);
        if (!update) assert.fail(`wrote new snapshot ${file}; re-run to compare`);
        return;
      }
      const expected = readFileSync(file, "utf8");
      if (actual !== expected) {
        const at = [...actual].findIndex((ch, i) => ch !== expected[i]);
        assert.fail(
          `${file} differs at offset ${at}: …${actual.slice(Math.max(0, at - 120), at + 120)}… (UPDATE_SNAPSHOTS=1 to accept)`,
        );
      }
    });
  }
}

test("snapshots: the templates that should plan everywhere do", () => {
  for (const target of TARGETS) {
    assert.ok("components" in (planOrProblems("dapp", target) as object), `dapp on ${target}`);
  }
  for (const target of ["process", "docker", "kubernetes"] as const) {
    assert.ok(
      "components" in (planOrProblems("bitcoin", target) as object),
      `bitcoin on ${target}`,
    );
  }
  for (const target of ["docker", "kubernetes"] as const) {
    assert.ok("components" in (planOrProblems("node", target) as object), `node on ${target}`);
  }
});
