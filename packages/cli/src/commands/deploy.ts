/**
 * `cryptokube deploy`: the stack onto a Kubernetes cluster (server-side apply, prune,
 * wait for rollout). Also holds the cluster options deploy, destroy and status share.
 */
import { renderManifests } from "@cryptokube/kube";
import type { DeployResult, KubeClient } from "@cryptokube/kube/deploy";
import { type Command, Option } from "commander";
import {
  type CliContext,
  CliExit,
  createStyler,
  EXIT_FAILURE,
  type OutputStream,
  writeJson,
} from "../context.ts";
import { loadStack, planStack } from "../load-stack.ts";
import { type FileOption, type JsonOption, parseDuration, withFile, withJson } from "../options.ts";
import { formatTable } from "../table.ts";

export interface KubeOptions {
  context?: string;
  namespace?: string;
  kubeconfig?: string;
}

/** `--context`, `--namespace`, `--kubeconfig`, read the way kubectl reads them. */
export function withKube(command: Command): Command {
  return command
    .option("--context <name>", "kubeconfig context (default: its current context)")
    .option("-n, --namespace <name>", "namespace of the stack (default: the stack file's)")
    .option("--kubeconfig <path>", "kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)");
}

/**
 * The cluster side is loaded on demand: the Kubernetes client is a large module graph
 * that commands not talking to a cluster should not pay for at startup.
 */
export function loadDeploy(): Promise<typeof import("@cryptokube/kube/deploy")> {
  return import("@cryptokube/kube/deploy");
}

export async function connect(ctx: CliContext, options: KubeOptions): Promise<KubeClient> {
  const { createKubeClient } = await loadDeploy();
  return createKubeClient({
    env: ctx.env,
    ...(options.kubeconfig === undefined ? {} : { kubeconfig: options.kubeconfig }),
    ...(options.context === undefined ? {} : { context: options.context }),
  });
}

interface DeployOptions extends FileOption, JsonOption, KubeOptions {
  dryRun?: boolean;
  prune: boolean;
  wait: boolean;
  volumes?: boolean;
  timeout: number;
  storageClass?: string;
}

export function registerDeploy(program: Command, ctx: CliContext): void {
  const command = program
    .command("deploy")
    .description(
      "apply the stack to a Kubernetes cluster (server-side apply), prune what it no longer declares, wait for rollout",
    );
  withFile(command);
  withKube(command);
  withJson(command);
  command
    .option(
      "--dry-run",
      "server-side dry run: validate everything and print a diff, change nothing",
    )
    .option("--no-prune", "keep labelled objects the stack no longer declares")
    .option("--volumes", "let prune delete PersistentVolumeClaims of removed components")
    .option("--no-wait", "return once applied, without waiting for rollout")
    .option("--storage-class <name>", "storage class of every PersistentVolumeClaim")
    .addOption(
      new Option("--timeout <duration>", "how long to wait for rollout")
        .argParser(parseDuration)
        .default(300_000, "5m"),
    )
    .action(async (options: DeployOptions) => {
      const loaded = loadStack(ctx, options.file);
      const plan = planStack(ctx, loaded, "kubernetes");
      const client = await connect(ctx, options);
      const { deployStack, formatDiff } = await loadDeploy();
      const out: OutputStream = options.json === true ? ctx.stderr : ctx.stdout;
      const style = createStyler(ctx, out);
      out.write(`deploying ${plan.stack} to ${client.context} (${client.server})\n`);
      const result = await deployStack(client, {
        plan,
        render: renderManifests,
        ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
        ...(options.storageClass === undefined
          ? {}
          : { renderOptions: { storageClass: options.storageClass } }),
        dryRun: options.dryRun === true,
        prune: options.prune,
        volumes: options.volumes === true,
        wait: options.wait,
        timeoutMs: options.timeout,
        onProgress: (line) => out.write(`  ${line}\n`),
        signal: ctx.signal,
      }).catch((error: unknown) => {
        if (!ctx.signal.aborted) throw error;
        throw new CliExit(
          EXIT_FAILURE,
          "deploy interrupted: what was applied stays; run `cryptokube deploy` again to converge (every step is idempotent)",
        );
      });
      if (options.json === true) {
        writeJson(ctx, { stack: plan.stack, context: client.context, ...result });
        return;
      }
      if (result.dryRun) {
        ctx.stdout.write(formatDiff(result.diff ?? []));
        ctx.stdout.write(`dry run: nothing was changed (${summary(result)})\n`);
        return;
      }
      ctx.stdout.write(
        `${style("green", "✓")} ${plan.stack} deployed to namespace ${result.namespace} in ${(result.durationMs / 1000).toFixed(1)}s (${summary(result)})\n`,
      );
    });
}

function summary(result: DeployResult): string {
  const would = result.dryRun ? "would be " : "";
  const parts = [
    `${result.applied.length} ${would}applied`,
    `${result.pruned.length} ${would}pruned`,
  ];
  if (result.skipped.length > 0) parts.push(`${result.skipped.length} skipped (API not served)`);
  if (result.secrets.generated.length > 0)
    parts.push(
      `${result.secrets.generated.length} secret(s) ${result.dryRun ? "would be " : ""}generated`,
    );
  return parts.join(", ");
}

/** `cryptokube status --kube`: per component ready replicas, restarts and what is wrong. */
export async function printClusterStatus(
  ctx: CliContext,
  options: FileOption & JsonOption & KubeOptions,
): Promise<void> {
  const plan = planStack(ctx, loadStack(ctx, options.file), "kubernetes");
  const client = await connect(ctx, options);
  const { getClusterStatus } = await loadDeploy();
  const status = await getClusterStatus(client, {
    stack: plan.stack,
    namespace: options.namespace ?? plan.namespace,
  });
  if (options.json === true) {
    writeJson(ctx, status);
    return;
  }
  const style = createStyler(ctx, ctx.stdout);
  const state =
    status.components.length === 0
      ? style("yellow", "not deployed")
      : status.ready
        ? style("green", "ready")
        : style("yellow", "not ready");
  ctx.stdout.write(
    `${status.stack} in namespace ${status.namespace} (context ${status.context}): ${state}\n\n`,
  );
  if (status.components.length === 0) return;
  const rows = status.components.map((component) => [
    component.component,
    `${component.kind.toLowerCase()}/${component.name}`,
    `${component.ready}/${component.desired}`,
    String(component.updated),
    String(component.restarts),
    component.healthy ? "ok" : "waiting",
    component.conditions.map((condition) => `${condition.type}=${condition.status}`).join(" ") ||
      "-",
  ]);
  ctx.stdout.write(
    formatTable(
      ["COMPONENT", "WORKLOAD", "READY", "UPDATED", "RESTARTS", "STATE", "CONDITIONS"],
      rows,
    ),
  );
  const problems = status.components.flatMap((component) => component.problems);
  if (problems.length > 0) ctx.stdout.write(`\n${problems.join("\n")}\n`);
}
