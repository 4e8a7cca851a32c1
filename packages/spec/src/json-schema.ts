/** The stack file's JSON Schema, for editors (yaml-language-server) and other tools. */
import { z } from "zod";
import { SCHEMA_ID, stackSchema } from "./schema.ts";

export const SCHEMA_TITLE = "CryptoKube stack file (cryptokube.yaml)";

/**
 * Draft 2020-12 JSON Schema of the stack file as the user writes it (input
 * side: defaulted fields are optional). Same bytes on every call and run.
 */
export function stackJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(stackSchema, { target: "draft-2020-12", io: "input" });
  const { $schema, ...rest } = generated;
  return { $schema, $id: SCHEMA_ID, title: SCHEMA_TITLE, ...rest };
}
