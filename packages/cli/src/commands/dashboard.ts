/**
 * `cryptokube dashboard`: where the running stack's dashboard is and where its
 * access token lives (the path only: the value stays in its file).
 */
import { getStackStatus, readSavedPlan, stateLayout } from "@cryptokube/runtime";
import type { Command } from "commander";
import { type CliContext, CliExit, EXIT_FAILURE, writeJson } from "../context.ts";
import { type FileOption, type JsonOption, withFile, withJson } from "../options.ts";
import { stackDirOf, writeWarning } from "./local.ts";

export function registerDashboard(program: Command, ctx: CliContext): void {
  const command = program
    .command("dashboard")
    .description("print the dashboard's URL and the file holding its access token");
  withFile(command);
  withJson(command);
  command.action(async (options: FileOption & JsonOption) => {
    const stackDir = stackDirOf(ctx, options.file);
    const warnings: string[] = [];
    const plan = readSavedPlan(stackDir, warnings);
    for (const warning of warnings) writeWarning(ctx, warning);
    if (plan === undefined) {
      throw new CliExit(
        EXIT_FAILURE,
        `no stack has been started in ${stackDir}: \`cryptokube up\` starts it, with its dashboard`,
      );
    }
    const component = plan.components.find((c) => c.package === "dashboard");
    if (component === undefined) {
      throw new CliExit(
        EXIT_FAILURE,
        `stack ${plan.stack} has no dashboard: add \`dashboard: {}\` (or \`wallet: {}\`) under services in the stack file`,
      );
    }
    const url = component.endpoints.find((e) => e.name === "http")?.url ?? "";
    const secret = plan.secrets.find(
      (s) => s.usedBy.includes(component.name) && s.keys.includes("token"),
    );
    const tokenFile =
      secret === undefined ? undefined : stateLayout(stackDir).secretFile(secret.name, "token");
    const status = await getStackStatus(stackDir, { probe: false });
    const state = status.components.find((c) => c.name === component.name)?.state ?? "stopped";
    if (options.json === true) {
      writeJson(ctx, { stack: plan.stack, component: component.name, url, state, tokenFile });
      return;
    }
    ctx.stdout.write(`${component.name} of ${plan.stack}: ${url} (${state})\n`);
    if (tokenFile !== undefined) {
      ctx.stdout.write(
        `access token (for wallet actions, and every page when bound off loopback): ${tokenFile}\n`,
      );
    }
  });
}
