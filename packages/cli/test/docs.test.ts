import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { it } from "node:test";
import { renderStackReference } from "../../../scripts/generate-stack-reference.ts";

it("docs/stack-file.md is generated from the current schema", () => {
  const committed = readFileSync(
    join(import.meta.dirname, "..", "..", "..", "docs", "stack-file.md"),
    "utf8",
  );
  assert.equal(
    committed,
    renderStackReference(),
    "stale: run node scripts/generate-stack-reference.ts",
  );
});
