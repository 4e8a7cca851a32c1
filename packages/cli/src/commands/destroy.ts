/**
 * `cryptokube destroy`: removes the stack's objects from the cluster (only those with
 * its labels). PersistentVolumeClaims only with --volumes; the namespace is kept.
 */
import type { Command } from "commander";
import { type CliContext, createStyler, type OutputStream, writeJson } from "../context.ts";
import { loadStack, planStack } from "../load-stack.ts";
import { type FileOption, type JsonOption, withFile, withJson } from "../options.ts";
import { connect, type KubeOptions, loadDeploy, withKube } from "./deploy.ts";

interface DestroyOptions extends FileOption, JsonOption, KubeOptions {
  volumes?: boolean;
  dryRun?: boolean;
}

export function registerDestroy(program: Command, ctx: CliContext): void {
  const command = program
    .command("destroy")
    .description(
      "remove the stack from a Kubernetes cluster (objects with its labels; PVCs only with --volumes; the namespace is kept)",
    );
  withFile(command);
  withKube(command);
  withJson(command);
  command
    .option("--volumes", "also delete the PersistentVolumeClaims (chain data)")
    .option("--dry-run", "server-side dry run of the deletions")
    .action(async (options: DestroyOptions) => {
      const plan = planStack(ctx, loadStack(ctx, options.file), "kubernetes");
      const client = await connect(ctx, options);
      const { destroyStack } = await loadDeploy();
      const namespace = options.namespace ?? plan.namespace;
      const out: OutputStream = options.json === true ? ctx.stderr : ctx.stdout;
      const result = await destroyStack(client, {
        stack: plan.stack,
        namespace,
        volumes: options.volumes === true,
        dryRun: options.dryRun === true,
        onProgress: (line) => out.write(`  ${line}\n`),
      });
      if (options.json === true) {
        writeJson(ctx, { stack: plan.stack, context: client.context, ...result });
        return;
      }
      const style = createStyler(ctx, ctx.stdout);
      ctx.stdout.write(
        `${style("green", "✓")} ${options.dryRun === true ? "would remove" : "removed"} ${result.deleted.length} object(s) of ${plan.stack} from namespace ${namespace}` +
          `${result.keptVolumes.length > 0 ? `; ${result.keptVolumes.length} volume claim(s) kept (--volumes deletes them)` : ""}; the namespace is kept\n`,
      );
    });
}
