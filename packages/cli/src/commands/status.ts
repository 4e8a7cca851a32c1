import { type ComponentStatus, formatSeconds, getStackStatus } from "@cryptokube/runtime";
import type { Command } from "commander";
import { type CliContext, createStyler, writeJson } from "../context.ts";
import { type FileOption, type JsonOption, withFile, withJson } from "../options.ts";
import { formatTable } from "../table.ts";
import { type KubeOptions, printClusterStatus, withKube } from "./deploy.ts";
import { stackDirOf, writeWarning } from "./local.ts";

export function registerStatus(program: Command, ctx: CliContext): void {
  const command = program
    .command("status")
    .description(
      "show the stack's components: state, pid, restarts, uptime, endpoints and live health",
    );
  withFile(command);
  withJson(command);
  // --- the stack on a Kubernetes cluster (kube-cluster helper): selected by --kube or any cluster option
  withKube(command).option("--kube", "show the stack on a Kubernetes cluster instead of locally");
  command.action(async (options: FileOption & JsonOption & KubeOptions & { kube?: boolean }) => {
    if (
      options.kube === true ||
      options.context !== undefined ||
      options.namespace !== undefined ||
      options.kubeconfig !== undefined
    ) {
      await printClusterStatus(ctx, options);
      return;
    }
    // --- end of the cluster path; below: local targets
    const stackDir = stackDirOf(ctx, options.file);
    const status = await getStackStatus(stackDir);
    for (const warning of status.warnings) writeWarning(ctx, warning);
    if (options.json === true) {
      writeJson(ctx, { stackDir, ...status });
      return;
    }
    const style = createStyler(ctx, ctx.stdout);
    if (status.stack === undefined) {
      ctx.stdout.write(
        `not running: no stack has been started in ${stackDir} (\`cryptokube up\` starts it)\n`,
      );
      return;
    }
    const supervisor = status.supervisor;
    ctx.stdout.write(
      supervisor === undefined
        ? `${status.stack} (target ${status.target}): ${style("yellow", "not running")}\n\n`
        : `${status.stack} (target ${status.target}): ${style("green", "running")}, supervisor pid ${supervisor.pid}` +
            `${supervisor.detached ? " in the background" : ""}, up ${formatUptime(supervisor.uptimeMs)}\n\n`,
    );
    const rows = status.components.map((component) => [
      component.name,
      component.state,
      component.pid === undefined ? "-" : String(component.pid),
      String(component.restarts),
      component.uptimeMs === undefined ? "-" : formatUptime(component.uptimeMs),
      healthText(component),
      component.endpoints.map((endpoint) => `${endpoint.name}=${endpoint.url}`).join(" ") || "-",
    ]);
    ctx.stdout.write(
      formatTable(["COMPONENT", "STATE", "PID", "RESTARTS", "UPTIME", "HEALTH", "ENDPOINTS"], rows),
    );
    const notes = status.components.filter(
      (component) => component.message !== undefined && component.state !== "ready",
    );
    if (notes.length > 0) ctx.stdout.write("\n");
    for (const component of notes) ctx.stdout.write(`${component.name}: ${component.message}\n`);
  });
}

function healthText(component: ComponentStatus): string {
  if (component.health === undefined) return "-";
  return component.health.ok ? "ok" : `failing: ${component.health.detail}`;
}

function formatUptime(ms: number): string {
  if (ms < 60_000) return formatSeconds(ms);
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes}m${Math.floor((ms % 60_000) / 1000)}s`;
  return `${Math.floor(minutes / 60)}h${minutes % 60}m`;
}
