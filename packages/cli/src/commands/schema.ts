import { stackJsonSchema } from "@cryptokube/spec";
import type { Command } from "commander";
import { type CliContext, writeJson } from "../context.ts";

export function registerSchema(program: Command, ctx: CliContext): void {
  program
    .command("schema")
    .description("print the stack file's JSON Schema (for editors and other tools)")
    .action(() => writeJson(ctx, stackJsonSchema()));
}
