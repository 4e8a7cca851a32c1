/** Test helper: a Stack from a YAML fixture or object, validated by the stack schema. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { type Stack, stackSchema } from "../../spec/src/schema.ts";

export const FIXTURES = join(import.meta.dirname, "fixtures");

export function loadFixture(name: string): Stack {
  return stackSchema.parse(parse(readFileSync(join(FIXTURES, `${name}.yaml`), "utf8")));
}

export function stackOf(input: unknown): Stack {
  return stackSchema.parse(input);
}
