/**
 * The gateway benchmark's default load generator: wrk (Debian's `wrk` package, written in C),
 * driven by a generated Lua script that fills the same request templates as load.ts. On a
 * 2-core machine the load generator shares the cores with the devnet and the gateway; wrk
 * spends a small fraction of the CPU per request that a Node.js client does, so the ratios
 * measure the gateway rather than the client competing with it.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LoadResult, LoadSpec } from "./load.ts";

/** Block numbers cycle through 1..80 (all finalized in the benchmark chain), as in load.ts. */
const BLOCK_SPREAD = 80;

function luaScript(template: string): string {
  // A long bracket keeps the JSON template verbatim; "%$" escapes "$" in Lua patterns.
  return `
local template = [==[${template}]==]
local i = 0
errors = 0 -- global: done() reads it with thread:get
local threads = {}
function setup(thread) table.insert(threads, thread) end
function request()
  local n = i
  i = i + 1
  local body = template
    :gsub("%$hex", string.format("0x%x", (n % ${BLOCK_SPREAD}) + 1), 1)
    :gsub("%$addr", string.format("0x%040x", n + 1), 1)
    :gsub("%$i", tostring(n), 1)
  return wrk.format("POST", nil, { ["content-type"] = "application/json" }, body)
end
function response(status, headers, body)
  if status ~= 200 or not string.find(body, '"result"', 1, true) then errors = errors + 1 end
end
function done(summary, latency, requests)
  local failed = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  for _, thread in ipairs(threads) do failed = failed + thread:get("errors") end
  io.write(string.format('CKRESULT {"requests":%d,"micros":%d,"p50":%d,"p99":%d,"errors":%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), failed))
end
`;
}

async function runWrk(
  dir: string,
  spec: LoadSpec,
  seconds: number,
): Promise<{ requests: number; micros: number; p50: number; p99: number; errors: number }> {
  const script = join(dir, "load.lua");
  writeFileSync(script, luaScript(spec.template));
  const child = spawn(
    "wrk",
    ["-t1", `-c${spec.concurrency}`, `-d${seconds}s`, "-s", script, spec.url],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  const [code] = (await once(child, "exit")) as [number | null];
  if (code !== 0) throw new Error(`wrk exited with ${code}:\n${out}`);
  const line = out.split("\n").find((l) => l.startsWith("CKRESULT "));
  if (line === undefined) throw new Error(`wrk printed no result:\n${out}`);
  return JSON.parse(line.slice("CKRESULT ".length));
}

/** Same contract as load.ts: a warm-up run, then the measured run. */
export async function runWrkLoad(spec: LoadSpec): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), "ck-bench-wrk-"));
  try {
    // wrk's durations are whole seconds: the warm-up is one.
    const warmup = await runWrk(dir, spec, 1);
    const run = await runWrk(dir, spec, Math.max(1, Math.round(spec.durationMs / 1000)));
    const seconds = run.micros / 1e6;
    return {
      requests: run.requests,
      completed: run.requests + warmup.requests,
      errors: run.errors + warmup.errors,
      seconds,
      rps: run.requests / seconds,
      p50Ms: run.p50 / 1000,
      p99Ms: run.p99 / 1000,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A clear message instead of ENOENT when wrk is missing. */
export async function assertWrkInstalled(): Promise<void> {
  const child = spawn("wrk", ["--version"], { stdio: "ignore" });
  const [code] = (await Promise.race([once(child, "exit"), once(child, "error")])) as [unknown];
  if (typeof code !== "number") {
    throw new Error(
      "wrk is not installed: `apt-get install wrk` (Debian), or run with --load node for the Node.js load generator",
    );
  }
}
