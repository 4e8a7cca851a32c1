import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { IndexerConfigInput } from "../../src/config/schema.ts";
import { waitFor } from "./wait-for.ts";

const MAIN = fileURLToPath(new URL("../../src/main.ts", import.meta.url));

export interface IndexerProcess {
  child: ChildProcess;
  /** Resolves with the base URL from the "indexer listening" log line. */
  url: Promise<string>;
  logs: string[];
  kill(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs src/main.ts as a child process, the way the supervisor does. */
export function spawnIndexer(
  config: IndexerConfigInput,
  env: NodeJS.ProcessEnv = {},
): IndexerProcess {
  const child = spawn(
    process.execPath,
    [MAIN, "--config-json", JSON.stringify(config), "--log-level", "info"],
    {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const logs: string[] = [];
  let resolveUrl: (url: string) => void = () => {};
  let rejectUrl: (error: Error) => void = () => {};
  const url = new Promise<string>((resolve, reject) => {
    resolveUrl = resolve;
    rejectUrl = reject;
  });
  url.catch(() => {});
  createInterface({ input: child.stdout! }).on("line", (line) => {
    logs.push(line);
    if (line.includes('"indexer listening"')) resolveUrl((JSON.parse(line) as { url: string }).url);
  });
  createInterface({ input: child.stderr! }).on("line", (line) => logs.push(`stderr: ${line}`));
  const exited = once(child, "exit") as Promise<[number | null, NodeJS.Signals | null]>;
  exited.then(() => rejectUrl(new Error(`indexer exited before listening:\n${logs.join("\n")}`)));
  return {
    child,
    url,
    logs,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const [code, sig] = await exited;
      return { code, signal: sig };
    },
  };
}

export async function statusOf(
  url: string,
): Promise<{ indexedHead: number | null; chainHead: number | null }> {
  const response = await fetch(`${url}/api/status`);
  return (await response.json()) as { indexedHead: number | null; chainHead: number | null };
}

export function waitForProcessIndexed(
  url: string,
  head: number,
  timeoutMs = 60_000,
): Promise<true> {
  return waitFor(
    `child indexer to reach block ${head}`,
    async () => ((await statusOf(url)).indexedHead === head ? true : undefined),
    timeoutMs,
    50,
  );
}
