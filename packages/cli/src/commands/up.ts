import { existsSync, statSync } from "node:fs";
import { delimiter, resolve } from "node:path";
import { CryptoKubeError } from "@cryptokube/core";
import type { Plan } from "@cryptokube/plan/types";
import {
  type ComponentRecord,
  ComponentStartError,
  createLogFormatter,
  createSupervisor,
  formatSeconds,
  type LogLine,
  type ProgressEvent,
  type StartSummary,
  startDetached,
} from "@cryptokube/runtime";
import { type Command, Option } from "commander";
import {
  type CliContext,
  CliExit,
  colorEnabled,
  createStyler,
  EXIT_FAILURE,
  EXIT_USAGE,
  type OutputStream,
  writeJson,
} from "../context.ts";
import { loadStack, planStack } from "../load-stack.ts";
import {
  type FileOption,
  type JsonOption,
  parseDuration,
  type TargetOption,
  withFile,
  withJson,
  withTarget,
} from "../options.ts";
import { formatTable } from "../table.ts";
import { writeWarning } from "./local.ts";

interface UpOptions extends FileOption, TargetOption, JsonOption {
  detach?: boolean;
  fresh?: boolean;
  timeout: number;
  binDir?: string[];
}

/** Startup output of components, held back while progress is shown, then printed. */
const MAX_BUFFERED_LINES = 1000;

export function registerUp(program: Command, ctx: CliContext): void {
  const command = program
    .command("up")
    .description(
      "start the whole stack on this machine, print its endpoints once all are ready, then follow its log (Ctrl-C stops it)",
    );
  withFile(command);
  withTarget(command);
  withJson(command);
  command
    .option("-d, --detach", "run in the background and return once every component is ready")
    .option("--fresh", "delete the stack's data (chain state, IPFS blocks) before starting")
    .option(
      "--bin-dir <dir>",
      "process target: look for node software (geth, ipfs…) here before CRYPTOKUBE_BIN_PATH and PATH (repeatable)",
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    )
    .addOption(
      new Option("--timeout <duration>", "how long startup may take")
        .argParser(parseDuration)
        .default(60_000, "60s"),
    )
    .action(async (options: UpOptions) => {
      await runUp(ctx, options);
    });
}

async function runUp(ctx: CliContext, options: UpOptions): Promise<void> {
  if (options.target === "kubernetes") {
    throw new CliExit(
      EXIT_USAGE,
      "error: `up` runs the stack on this machine; Kubernetes is `cryptokube deploy`",
    );
  }
  const loaded = loadStack(ctx, options.file);
  const plan: Plan = planStack(ctx, loaded, options.target);
  const json = options.json === true;
  const out = json ? ctx.stderr : ctx.stdout;
  const view = createProgressView(ctx, out);
  const onWarning = (message: string): void => {
    view.pause();
    writeWarning(ctx, message);
    view.resume();
  };
  const common = {
    plan,
    stackDir: loaded.dir,
    startupTimeoutMs: options.timeout,
    env: withBinDirs(ctx, options.binDir ?? []),
    onProgress: view.update,
    onWarning,
    ...(options.fresh === true ? { fresh: true } : {}),
  };

  if (options.detach === true) {
    let started: { pid: number; summary: StartSummary };
    try {
      started = await startDetached({ ...common, signal: ctx.signal });
    } catch (error) {
      view.finish();
      return reportStartFailure(ctx, error);
    }
    view.finish();
    if (json) {
      writeJson(ctx, upJson(plan, started.summary, { detached: true, supervisorPid: started.pid }));
      return;
    }
    writeReady(ctx, plan, started.summary);
    ctx.stdout.write(
      `running in the background (supervisor pid ${started.pid}); follow with \`cryptokube logs -f\`, stop with \`cryptokube down\`\n`,
    );
    return;
  }

  const formatLine = createLogFormatter({
    sources: plan.components.map((component) => component.name),
    color: colorEnabled(ctx, ctx.stdout),
  });
  const held: LogLine[] = [];
  let live = false;
  const supervisor = createSupervisor({
    ...common,
    onLog: (line) => {
      if (json) return;
      if (live) ctx.stdout.write(formatLine(line));
      else if (held.length < MAX_BUFFERED_LINES) held.push(line);
    },
  });
  let summary: StartSummary;
  try {
    summary = await supervisor.start(ctx.signal);
  } catch (error) {
    view.finish();
    return reportStartFailure(ctx, error);
  }
  view.finish();
  if (json) writeJson(ctx, upJson(plan, summary, { detached: false, supervisorPid: process.pid }));
  else {
    writeReady(ctx, plan, summary);
    ctx.stdout.write("following the merged log; Ctrl-C stops the stack (data is kept)\n\n");
    for (const line of held.splice(0)) ctx.stdout.write(formatLine(line));
    live = true;
  }
  await new Promise<void>((resolve) => {
    if (ctx.signal.aborted) resolve();
    ctx.signal.addEventListener("abort", () => resolve(), { once: true });
  });
  live = false;
  out.write("\nstopping…\n");
  await supervisor.stop();
  out.write(
    `${createStyler(ctx, out)("green", "✓")} stopped ${plan.stack}; data kept in .cryptokube/volumes\n`,
  );
}

/** `--bin-dir` directories go before CRYPTOKUBE_BIN_PATH, which the supervisor searches before PATH. */
function withBinDirs(ctx: CliContext, dirs: string[]): Record<string, string | undefined> {
  if (dirs.length === 0) return ctx.env;
  const absolute = dirs.map((dir) => resolve(ctx.cwd, dir));
  for (const dir of absolute) {
    if (!existsSync(dir) || !statSync(dir).isDirectory())
      throw new CliExit(EXIT_USAGE, `error: --bin-dir ${dir} is not a directory`);
  }
  const existing = ctx.env.CRYPTOKUBE_BIN_PATH;
  return {
    ...ctx.env,
    CRYPTOKUBE_BIN_PATH: [
      ...absolute,
      ...(existing === undefined || existing === "" ? [] : [existing]),
    ].join(delimiter),
  };
}

function writeReady(ctx: CliContext, plan: Plan, summary: StartSummary): void {
  const style = createStyler(ctx, ctx.stdout);
  const ready = summary.components.filter((record) => record.state === "ready").length;
  ctx.stdout.write(
    `\n${style("green", "✓")} ${plan.stack} is up: ${ready} component${ready === 1 ? "" : "s"} ready in ${formatSeconds(summary.durationMs)}\n\n`,
  );
  ctx.stdout.write(formatEndpoints(plan, summary.components));
  ctx.stdout.write("\n");
}

export function formatEndpoints(plan: Plan, records: ComponentRecord[]): string {
  const rows: string[][] = [];
  for (const component of plan.components) {
    const record = records.find((candidate) => candidate.name === component.name);
    if (record?.state === "unavailable") {
      rows.push([component.name, "-", "not available yet in this version"]);
      continue;
    }
    for (const endpoint of component.endpoints)
      rows.push([component.name, endpoint.name, endpoint.url]);
    if (component.endpoints.length === 0) rows.push([component.name, "-", "(no endpoints)"]);
  }
  return formatTable(["COMPONENT", "ENDPOINT", "URL"], rows);
}

function upJson(
  plan: Plan,
  summary: StartSummary,
  extra: { detached: boolean; supervisorPid: number },
): unknown {
  return {
    stack: plan.stack,
    target: plan.target,
    ...extra,
    durationMs: summary.durationMs,
    components: summary.components.map((record) => {
      const component = plan.components.find((candidate) => candidate.name === record.name);
      return {
        name: record.name,
        state: record.state,
        ...(record.pid === undefined ? {} : { pid: record.pid }),
        ...(record.message === undefined ? {} : { message: record.message }),
        endpoints: (component?.endpoints ?? []).map((endpoint) => ({
          name: endpoint.name,
          url: endpoint.url,
        })),
      };
    }),
  };
}

function reportStartFailure(ctx: CliContext, error: unknown): never {
  if (error instanceof ComponentStartError) {
    const tail =
      error.logTail.length === 0
        ? "  (it printed nothing)\n"
        : error.logTail.map((line) => `  | ${line}\n`).join("");
    ctx.stderr.write(
      `error: ${error.message}\n  last lines of ${error.component}:\n${tail}  hint: ${error.hint}\n`,
    );
    throw new CliExit(EXIT_FAILURE);
  }
  if (error instanceof CryptoKubeError && error.code === "ABORTED")
    throw new CliExit(EXIT_FAILURE, `error: ${error.message}`);
  if (error instanceof CryptoKubeError && error.details !== undefined) {
    ctx.stderr.write(`error: ${error.message}\n${error.details.replace(/^/gm, "  | ")}\n`);
    if (error.hint !== undefined) ctx.stderr.write(`  hint: ${error.hint}\n`);
    throw new CliExit(EXIT_FAILURE);
  }
  throw error;
}

interface ProgressView {
  update(event: ProgressEvent): void;
  /** Hide the spinner while something else is printed. */
  pause(): void;
  resume(): void;
  finish(): void;
}

const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/**
 * A line per component as it starts and becomes ready; on a terminal, a spinner
 * line below them names what is still starting.
 */
function createProgressView(ctx: CliContext, stream: OutputStream): ProgressView {
  const style = createStyler(ctx, stream);
  const tty = stream.isTTY === true && ctx.env.TERM !== "dumb";
  const pending = new Map<string, string>();
  let frame = 0;
  let finished = false;
  let paused = false;
  let timer: NodeJS.Timeout | undefined;
  const clear = (): void => {
    if (tty) stream.write("\r\x1b[2K");
  };
  const draw = (): void => {
    if (!tty || finished || paused || pending.size === 0) return;
    const names = [...pending.entries()].map(([name, what]) =>
      what === "" ? name : `${name} (${what})`,
    );
    stream.write(
      `\r\x1b[2K${style("cyan", SPINNER[frame % SPINNER.length] ?? "")} starting ${names.join(", ")}`,
    );
    frame += 1;
  };
  const print = (line: string): void => {
    clear();
    stream.write(`${line}\n`);
    draw();
  };
  if (tty) {
    timer = setInterval(draw, 80);
    timer.unref();
  }
  return {
    update(event) {
      if (finished) return;
      const name = event.component;
      switch (event.type) {
        case "preparing":
          pending.set(name, event.what);
          if (!tty) print(`  ${name} ${event.what}…`);
          break;
        case "waiting":
          pending.set(name, `waiting for ${event.on.join(", ")}`);
          if (!tty) print(`  ${name} waiting for ${event.on.join(", ")}`);
          break;
        case "starting":
          pending.set(name, "");
          if (!tty) print(`  ${name} starting…`);
          break;
        case "ready":
          pending.delete(name);
          print(`${style("green", "✓")} ${name} ready in ${formatSeconds(event.ms)}`);
          break;
        case "unavailable":
          pending.delete(name);
          print(`${style("yellow", "-")} ${name} is ${event.reason}; skipped`);
          break;
        case "failed":
          pending.delete(name);
          print(`${style("red", "✗")} ${name}: ${event.reason}`);
          break;
      }
    },
    pause() {
      paused = true;
      clear();
    },
    resume() {
      paused = false;
      draw();
    },
    finish() {
      if (finished) return;
      finished = true;
      clearInterval(timer);
      clear();
    },
  };
}
