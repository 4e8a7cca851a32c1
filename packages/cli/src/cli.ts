/**
 * The `cryptokube` command: this file only wires commands; each lives in its own
 * file under commands/. Exit codes: 0 ok, 1 failure, 2 usage or validation error.
 */
import { Command, CommanderError } from "commander";
import { registerCatalog } from "./commands/catalog.ts";
import { registerDashboard } from "./commands/dashboard.ts";
import { registerDeploy } from "./commands/deploy.ts";
import { registerDestroy } from "./commands/destroy.ts";
import { registerInit } from "./commands/init.ts";
import { registerLightning } from "./commands/lightning.ts";
import { registerLocal } from "./commands/local.ts";
import { registerPlan } from "./commands/plan.ts";
import { registerRender } from "./commands/render.ts";
import { registerSchema } from "./commands/schema.ts";
import { registerValidate } from "./commands/validate.ts";
import { type CliContext, CliExit, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from "./context.ts";

export const VERSION = "0.1.0";

export function createProgram(ctx: CliContext): Command {
  const program = new Command("cryptokube")
    .description(
      "One stack file runs a whole blockchain application: chains, nodes, storage, platform services and your apps.",
    )
    .version(VERSION, "-V, --version")
    .showHelpAfterError("(run with --help for usage)")
    .addHelpText(
      "after",
      "\nExit codes: 0 ok, 1 failure, 2 usage or validation error.\nColour is off when piped or when NO_COLOR is set.",
    );
  program.configureOutput({
    writeOut: (text) => ctx.stdout.write(text),
    writeErr: (text) => ctx.stderr.write(text),
  });
  registerInit(program, ctx);
  registerValidate(program, ctx);
  registerSchema(program, ctx);
  registerPlan(program, ctx);
  registerRender(program, ctx);
  registerDeploy(program, ctx);
  registerDestroy(program, ctx);
  registerCatalog(program, ctx);
  registerLocal(program, ctx);
  registerDashboard(program, ctx);
  registerLightning(program, ctx);
  // Every subcommand reports usage errors through exitOverride instead of exiting the process.
  const applyOverrides = (command: Command): void => {
    command.exitOverride();
    command.configureOutput({
      writeOut: (text) => ctx.stdout.write(text),
      writeErr: (text) => ctx.stderr.write(text),
    });
    for (const sub of command.commands) applyOverrides(sub);
  };
  applyOverrides(program);
  return program;
}

export async function runCli(argv: string[], ctx: CliContext): Promise<number> {
  const program = createProgram(ctx);
  try {
    await program.parseAsync(argv, { from: "user" });
    return EXIT_OK;
  } catch (error) {
    if (error instanceof CliExit) {
      if (error.message !== "") ctx.stderr.write(`${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof CommanderError) {
      if (error.code === "commander.helpDisplayed" || error.code === "commander.version")
        return EXIT_OK;
      if (error.code === "commander.help") return EXIT_OK;
      return EXIT_USAGE;
    }
    const message = error instanceof Error ? error.message : String(error);
    const hint = (error as { hint?: unknown }).hint;
    ctx.stderr.write(`error: ${message}\n${typeof hint === "string" ? `  hint: ${hint}\n` : ""}`);
    if (ctx.env.CRYPTOKUBE_DEBUG === "1" && error instanceof Error)
      ctx.stderr.write(`${error.stack}\n`);
    return EXIT_FAILURE;
  }
}
