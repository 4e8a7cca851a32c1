/**
 * The rendered manifests of the three templates are pinned as YAML snapshots and
 * identical across runs. Regenerate with UPDATE_SNAPSHOTS=1 and read the diff.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { manifestsToYaml, renderManifests } from "../src/index.ts";
import { templatePlan } from "./template-plan.ts";

const snapshots = join(import.meta.dirname, "__snapshots__");
const update = process.env.UPDATE_SNAPSHOTS === "1";

describe("render snapshots", () => {
  for (const name of ["dapp", "node", "bitcoin"]) {
    it(`${name} template`, () => {
      const plan = templatePlan(name);
      const first = manifestsToYaml(renderManifests(plan, { monitoring: true }));
      const second = manifestsToYaml(renderManifests(structuredClone(plan), { monitoring: true }));
      assert.equal(first, second, "render differs between two runs");
      const path = join(snapshots, `${name}.yaml`);
      if (update || !existsSync(path)) {
        if (!update && process.env.CI)
          assert.fail(`missing snapshot ${path}; run with UPDATE_SNAPSHOTS=1`);
        mkdirSync(snapshots, { recursive: true });
        writeFileSync(path, first);
      }
      assert.equal(
        first,
        readFileSync(path, "utf8"),
        `${path} differs (UPDATE_SNAPSHOTS=1 to accept)`,
      );
    });
  }
});
