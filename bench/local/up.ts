/**
 * Cold `cryptokube up` to all-ready of the `dapp` template versus the bare EDR
 * devnet started alone (the baseline), measured in the same run; plus the peak
 * memory of the whole stack (supervisor and every component): the sum of each
 * process's peak RSS (VmHWM, which counts the Node.js binary's shared pages once per
 * process), and the peak of the summed PSS (shared pages split among the processes that
 * map them), sampled every 50 ms in separate runs whose times are not counted: reading
 * every process's smaps slows the start it measures.
 *
 * The baseline runs the devnet the way `up` does: from its bundle (see
 * packages/runtime/src/local/bundle-cache.ts), built before the first run.
 *
 *   node bench/local/up.ts [--runs 5]
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { bundleEntry } from "../../packages/runtime/src/local/bundle-cache.ts";

const repo = join(import.meta.dirname, "..", "..");
// What users run (`npx cryptokube`): the launcher, which turns on Node's compile cache.
const cliMain = join(repo, "packages", "cli", "bin", "cryptokube.js");
const devnetSource = join(repo, "packages", "runtime", "src", "embedded", "devnet", "main.ts");
const devnetMain = (await bundleEntry(devnetSource)).file ?? devnetSource;
const compileCache = join(
  process.env.XDG_CACHE_HOME || join(homedir(), ".cache"),
  "cryptokube",
  "compile-cache",
);
const { values } = parseArgs({ options: { runs: { type: "string", default: "5" } } });
const runs = Number(values.runs);

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}',
    });
    return response.ok;
  } catch {
    return false;
  }
}

/** Baseline: spawn the devnet process, poll until it answers JSON-RPC. */
async function bareDevnet(): Promise<{ ms: number; rssMb: number }> {
  const port = await freePort();
  const state = mkdtempSync(join(tmpdir(), "ck-bench-devnet-"));
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [devnetMain, "--port", String(port), "--state-dir", state],
    // The same compile cache the stack's processes get from the launcher.
    { stdio: "ignore", env: { ...process.env, NODE_COMPILE_CACHE: compileCache } },
  );
  while (!(await answers(`http://127.0.0.1:${port}`))) await new Promise((r) => setTimeout(r, 5));
  const ms = performance.now() - started;
  const rssMb = peakRssMb(child.pid ?? 0);
  child.kill("SIGTERM");
  await new Promise((r) => child.once("exit", r));
  rmSync(state, { recursive: true, force: true });
  return { ms, rssMb };
}

function peakRssMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

/**
 * Components run in their own process groups (an app is `sh -c` plus its node), so
 * count every process whose group leader is one of the stack's pids.
 */
function withProcessGroups(leaders: number[]): number[] {
  const wanted = new Set(leaders);
  const all = new Set(leaders);
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Fields after the parenthesised command: state, ppid, pgrp, ...
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const pgrp = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
      if (wanted.has(pgrp)) all.add(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return [...all];
}

function cli(dir: string, ...args: string[]): string {
  const result = spawnSync(process.execPath, [cliMain, ...args], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
  if (result.status !== 0)
    throw new Error(`cryptokube ${args.join(" ")} failed:\n${result.stderr}`);
  return result.stdout;
}

/** Summed PSS (MB) of the processes whose working directory is inside `dir`. */
function stackPssMb(dir: string): number {
  let kb = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (!readlinkSync(`/proc/${entry}/cwd`).startsWith(dir)) continue;
      kb += Number(
        /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${entry}/smaps_rollup`, "utf8"))?.[1],
      );
    } catch {
      // Not ours to read, or it ended while we looked.
    }
  }
  return kb / 1024;
}

/** The dapp template, cold: a fresh directory, `up --detach` until it returns all-ready. */
async function dappStack(samplePss: boolean): Promise<{
  ms: number;
  rssMb: number;
  pssMb: number;
  components: number;
}> {
  const dir = mkdtempSync(join(tmpdir(), "ck-bench-dapp-"));
  try {
    cli(dir, "init", "dapp");
    const started = performance.now();
    const up = spawn(process.execPath, [cliMain, "up", "--detach"], {
      cwd: dir,
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, NO_COLOR: "1" },
    });
    let stderr = "";
    up.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => up.once("exit", resolve));
    let pssMb = 0;
    let code: number | null | undefined;
    while (code === undefined) {
      if (samplePss) pssMb = Math.max(pssMb, stackPssMb(dir));
      code = await Promise.race([
        exited,
        new Promise<undefined>((r) => setTimeout(() => r(undefined), 50)),
      ]);
    }
    const ms = performance.now() - started;
    if (code !== 0) throw new Error(`cryptokube up --detach failed:\n${stderr}`);
    if (samplePss) pssMb = Math.max(pssMb, stackPssMb(dir));
    const status = JSON.parse(cli(dir, "status", "--json")) as {
      supervisor?: { pid: number };
      components: { pid?: number; state: string }[];
    };
    const pids = [status.supervisor?.pid, ...status.components.map((c) => c.pid)].filter(
      (pid): pid is number => pid !== undefined,
    );
    const rssMb = withProcessGroups(pids).reduce((sum, pid) => sum + peakRssMb(pid), 0);
    cli(dir, "down", "--volumes");
    return {
      ms,
      rssMb,
      pssMb,
      components: status.components.filter((c) => c.state === "ready").length,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const bare: { ms: number; rssMb: number }[] = [];
const dapp: Awaited<ReturnType<typeof dappStack>>[] = [];
const pss: number[] = [];
for (let i = 0; i < runs; i++) {
  // Interleaved so drift on a noisy machine hits both sides alike.
  bare.push(await bareDevnet());
  dapp.push(await dappStack(false));
  pss.push((await dappStack(true)).pssMb);
  process.stderr.write(`run ${i + 1}/${runs}\n`);
}
const bareMs = median(bare.map((r) => r.ms));
const dappMs = median(dapp.map((r) => r.ms));
process.stdout.write(
  [
    `| measure (median of ${runs}) | bare EDR devnet | dapp template, whole stack | ratio |`,
    "| --- | ---: | ---: | ---: |",
    `| cold start to ready | ${bareMs.toFixed(0)} ms | ${dappMs.toFixed(0)} ms (${dapp[0]?.components} components ready) | ${(dappMs / bareMs).toFixed(2)}× |`,
    `| peak RSS | ${median(bare.map((r) => r.rssMb)).toFixed(0)} MB | ${median(dapp.map((r) => r.rssMb)).toFixed(0)} MB (sum over processes) | ${(median(dapp.map((r) => r.rssMb)) / median(bare.map((r) => r.rssMb))).toFixed(2)}× |`,
    `| peak PSS, whole stack (sampled) | | ${median(pss).toFixed(0)} MB | |`,
    "",
  ].join("\n"),
);
