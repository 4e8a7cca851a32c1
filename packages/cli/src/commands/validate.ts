import { readFileSync } from "node:fs";
import { basename } from "node:path";
import type { Command } from "commander";
import { type CliContext, CliExit, createStyler, EXIT_USAGE, writeJson } from "../context.ts";
import { checkStackText, findStackFile, loadStack, planStack } from "../load-stack.ts";
import {
  type FileOption,
  type JsonOption,
  type TargetOption,
  withFile,
  withJson,
  withTarget,
} from "../options.ts";

export function registerValidate(program: Command, ctx: CliContext): void {
  const command = program
    .command("validate")
    .description(
      "check the stack file and that it plans for the target; exit 2 with every error found",
    );
  withFile(command);
  withTarget(command);
  withJson(command);
  command.action((options: FileOption & TargetOption & JsonOption) => {
    if (options.json) {
      const file = findStackFile(ctx, options.file);
      const result = checkStackText(
        readFileSync(file, "utf8"),
        options.file ?? basename(file),
        options.target,
      );
      writeJson(
        ctx,
        result.ok
          ? {
              valid: true,
              stack: result.plan.stack,
              target: result.plan.target,
              components: result.plan.components.length,
            }
          : { valid: false, diagnostics: result.diagnostics },
      );
      if (!result.ok) throw new CliExit(EXIT_USAGE);
      return;
    }
    const loaded = loadStack(ctx, options.file);
    const plan = planStack(ctx, loaded, options.target);
    if (options.json) {
      writeJson(ctx, {
        valid: true,
        stack: plan.stack,
        target: plan.target,
        components: plan.components.length,
      });
      return;
    }
    const style = createStyler(ctx, ctx.stdout);
    ctx.stdout.write(
      `${style("green", "✓")} ${plan.stack}: valid, ${plan.components.length} components on target ${plan.target}\n`,
    );
  });
}
