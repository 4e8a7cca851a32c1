import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { SCHEMA_ID, stackJsonSchema, TEMPLATES } from "@cryptokube/spec";
import type { Command } from "commander";
import { type CliContext, CliExit, createStyler, EXIT_USAGE } from "../context.ts";

export const SCHEMA_FILE = "cryptokube.schema.json";

interface InitOptions {
  dir?: string;
  force?: boolean;
}

export function registerInit(program: Command, ctx: CliContext): void {
  const names = Object.keys(TEMPLATES);
  program
    .command("init")
    .description("write a cryptokube.yaml from a template (with an editor schema line)")
    .argument("[template]", `one of: ${names.join(", ")}`, "dapp")
    .option("-d, --dir <dir>", "directory to write into", ".")
    .option("--force", "overwrite existing files")
    .action((template: string, options: InitOptions) => {
      const chosen = TEMPLATES[template];
      if (chosen === undefined) {
        throw new CliExit(
          EXIT_USAGE,
          `error: unknown template '${template}'; choose one of: ${names.join(", ")}`,
        );
      }
      const dir = resolve(ctx.cwd, options.dir ?? ".");
      // The schema is written beside the stack file and the editor line points at it, so
      // completion works offline and always matches this version of CryptoKube.
      const files: Record<string, string> = {
        "cryptokube.yaml": chosen.text.replace(`$schema=${SCHEMA_ID}`, `$schema=./${SCHEMA_FILE}`),
        [SCHEMA_FILE]: `${JSON.stringify(stackJsonSchema(), null, 2)}\n`,
        ...(chosen.files ?? {}),
      };
      const existing = Object.keys(files).filter((name) => existsSync(join(dir, name)));
      if (existing.length > 0 && options.force !== true) {
        throw new CliExit(
          EXIT_USAGE,
          `error: ${existing.join(", ")} already exist${existing.length === 1 ? "s" : ""} in ${dir}; pass --force to overwrite`,
        );
      }
      for (const [name, text] of Object.entries(files)) {
        const path = join(dir, name);
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, text);
      }
      const style = createStyler(ctx, ctx.stdout);
      ctx.stdout.write(
        `${style("green", "✓")} wrote ${Object.keys(files).join(", ")} (${template}: ${chosen.description})\n` +
          `  next: cryptokube up\n`,
      );
    });
}
