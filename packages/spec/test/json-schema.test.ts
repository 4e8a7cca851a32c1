import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { SCHEMA_ID, stackJsonSchema } from "@cryptokube/spec";

const snapshotFile = join(import.meta.dirname, "__snapshots__", "stack.schema.json");
const render = () => `${JSON.stringify(stackJsonSchema(), null, 2)}\n`;

test("the JSON Schema matches the reviewed snapshot (UPDATE_FIXTURES=1 to refresh)", () => {
  if (process.env.UPDATE_FIXTURES === "1") writeFileSync(snapshotFile, render());
  assert.equal(render(), readFileSync(snapshotFile, "utf8"));
});

test("the JSON Schema is draft 2020-12 with our $id and a title, first in the document", () => {
  const schema = stackJsonSchema();
  assert.deepEqual(Object.keys(schema).slice(0, 3), ["$schema", "$id", "title"]);
  assert.equal(schema.$schema, "https://json-schema.org/draft/2020-12/schema");
  assert.equal(schema.$id, SCHEMA_ID);
  assert.equal(schema.additionalProperties, false);
  assert.deepEqual(schema.required, ["name"]);
});

test("the JSON Schema is byte-stable across calls and processes", () => {
  assert.equal(render(), render());
  const child = spawnSync(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      'import { stackJsonSchema } from "@cryptokube/spec"; process.stdout.write(JSON.stringify(stackJsonSchema(), null, 2) + "\\n");',
    ],
    { cwd: import.meta.dirname, encoding: "utf8" },
  );
  assert.equal(child.status, 0, child.stderr);
  assert.equal(child.stdout, render());
});
