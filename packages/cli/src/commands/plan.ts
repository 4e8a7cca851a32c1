import type { Plan } from "@cryptokube/plan";
import type { Command } from "commander";
import { type CliContext, writeJson } from "../context.ts";
import { loadStack, planStack } from "../load-stack.ts";
import {
  type FileOption,
  type JsonOption,
  type TargetOption,
  withFile,
  withJson,
  withTarget,
} from "../options.ts";
import { formatTable } from "../table.ts";

export function registerPlan(program: Command, ctx: CliContext): void {
  const command = program
    .command("plan")
    .description("print the resolved plan: the components the target will run, in start order");
  withFile(command);
  withTarget(command);
  withJson(command);
  command.action((options: FileOption & TargetOption & JsonOption) => {
    const plan = planStack(ctx, loadStack(ctx, options.file), options.target);
    if (options.json) writeJson(ctx, plan);
    else ctx.stdout.write(formatPlan(plan));
  });
}

export function formatPlan(plan: Plan): string {
  const rows = plan.components.map((c) => [
    c.name,
    c.kind,
    `${c.package}/${c.variant}`,
    c.version,
    c.endpoints.map((e) => `${e.name}=${e.url}`).join(" "),
    c.dependsOn.join(",") || "-",
  ]);
  const header = `stack ${plan.stack} on target ${plan.target} (${plan.components.length} components)\n\n`;
  return (
    header + formatTable(["NAME", "KIND", "PACKAGE", "VERSION", "ENDPOINTS", "DEPENDS ON"], rows)
  );
}
