/**
 * `up --detach`: starts the supervisor as a background process (its own session,
 * stdio to .cryptokube/logs/supervisor.log), relays its progress, and returns once
 * the stack is ready, or throws the error that made it fail. The background
 * supervisor then runs on until `down`.
 */
import { fork } from "node:child_process";
import { closeSync, mkdirSync, openSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { CryptoKubeError } from "@cryptokube/core";
import type { Plan } from "@cryptokube/plan/types";
import { bundleEntry } from "./bundle-cache.ts";
import type {
  DetachedStartOptions,
  FromSupervisor,
  SerializedError,
  ToSupervisor,
} from "./detached-protocol.ts";
import { ComponentStartError } from "./errors.ts";
import { SUPERVISOR_SOURCE, stateLayout } from "./state-layout.ts";
import type { ProgressEvent, StartSummary } from "./supervisor.ts";

const ENTRY = fileURLToPath(new URL("./supervisor-main.ts", import.meta.url));

export interface StartDetachedOptions extends DetachedStartOptions {
  plan: Plan;
  stackDir: string;
  /** Environment of the background supervisor (and so of the components). */
  env?: Record<string, string | undefined>;
  onProgress?: (event: ProgressEvent) => void;
  onWarning?: (message: string) => void;
  /** Aborting stops the stack that was being started. */
  signal?: AbortSignal;
}

export interface DetachedStack {
  pid: number;
  summary: StartSummary;
}

export async function startDetached(options: StartDetachedOptions): Promise<DetachedStack> {
  // Like the servers, the supervisor starts from its bundle when it can.
  const entry = (await bundleEntry(ENTRY)).file ?? ENTRY;
  const layout = stateLayout(options.stackDir);
  mkdirSync(layout.logsDir, { recursive: true });
  const logFd = openSync(layout.logFile(SUPERVISOR_SOURCE), "a");
  const env = { ...(options.env ?? process.env) };
  delete env.NODE_TEST_CONTEXT;
  const child = fork(entry, [], {
    cwd: options.stackDir,
    env,
    detached: true,
    // The parent's flags (a test runner's, say) are not the supervisor's.
    execArgv: [],
    stdio: ["ignore", logFd, logFd, "ipc"],
    serialization: "json",
  });
  closeSync(logFd);
  const start: ToSupervisor = {
    type: "start",
    plan: options.plan,
    stackDir: options.stackDir,
    options: {
      ...(options.fresh === undefined ? {} : { fresh: options.fresh }),
      ...(options.startupTimeoutMs === undefined
        ? {}
        : { startupTimeoutMs: options.startupTimeoutMs }),
      ...(options.stopGraceMs === undefined ? {} : { stopGraceMs: options.stopGraceMs }),
    },
  };
  child.send(start);

  return new Promise<DetachedStack>((resolve, reject) => {
    let settled = false;
    const settle = (outcome: { summary: StartSummary } | { error: Error }): void => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener("abort", onAbort);
      if ("error" in outcome) {
        reject(outcome.error);
        return;
      }
      // Let go of the background process: no IPC channel, no reference from our event loop.
      child.disconnect();
      child.unref();
      resolve({ pid: child.pid ?? 0, summary: outcome.summary });
    };
    const onAbort = (): void => {
      child.kill("SIGTERM");
    };
    options.signal?.addEventListener("abort", onAbort, { once: true });
    if (options.signal?.aborted === true) onAbort();
    child.on("message", (message: FromSupervisor) => {
      if (message.type === "progress") options.onProgress?.(message.event);
      else if (message.type === "warning") options.onWarning?.(message.message);
      else if (message.type === "ready") settle({ summary: message.summary });
      else if (message.type === "failed") settle({ error: deserializeError(message.error) });
    });
    child.once("exit", (code, signal) => {
      if (options.signal?.aborted === true) {
        settle({
          error: new CryptoKubeError(
            "startup was interrupted; everything that had started was stopped",
            { code: "ABORTED" },
          ),
        });
        return;
      }
      const tail = lastLines(layout.logFile(SUPERVISOR_SOURCE), 10);
      settle({
        error: new CryptoKubeError(
          `the background supervisor exited (${signal ?? `code ${code}`}) before the stack was ready`,
          {
            code: "SUPERVISOR_EXITED",
            details: tail.join("\n"),
            hint: `see ${layout.logFile(SUPERVISOR_SOURCE)}`,
          },
        ),
      });
    });
  });
}

function deserializeError(error: SerializedError): Error {
  if (error.component !== undefined) {
    const startError = new ComponentStartError(error.component, "", error.logTail ?? []);
    startError.message = error.message;
    return startError;
  }
  return new CryptoKubeError(error.message, {
    code: error.code ?? "SUPERVISOR_FAILED",
    ...(error.hint === undefined ? {} : { hint: error.hint }),
  });
}

function lastLines(file: string, count: number): string[] {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-count);
  } catch {
    return [];
  }
}
