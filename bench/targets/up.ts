/**
 * Cold `cryptokube up` to all-ready of examples/hello-dapp on each local target:
 * embedded (the baseline), process (geth, kubo) and docker (containers on the
 * host network), measured in the same run, interleaved, one table with ratios.
 * "Cold" means a fresh copy of the example: no state, no chain data, no
 * volumes (images and binaries are already built).
 *
 *   node bench/targets/up.ts [--runs 3] [--targets embedded,process,docker]
 *
 * The process target finds geth and ipfs through CRYPTOKUBE_BIN_PATH, or the
 * fixtures' bin dir (`bash scripts/fixtures/build.sh`); the docker target needs
 * the engine and the local images (`bash scripts/fixtures/images.sh`).
 */
import { spawnSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { copyExample } from "../../examples/hello-dapp/test/example-copy.ts";

const repo = join(import.meta.dirname, "..", "..");
const cliMain = join(repo, "packages", "cli", "src", "main.ts");
const _example = join(repo, "examples", "hello-dapp");
/** Renamed so its port block (24200) stays clear of a hello-dapp started elsewhere. */
const STACK = "hello-dapp-targets";
const fixturesBin = join(
  process.env.CRYPTOKUBE_CACHE ?? join(homedir(), ".cache", "cryptokube"),
  "fixtures",
  "bin",
);

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "3" },
    targets: { type: "string", default: "embedded,process,docker" },
  },
});
const runs = Number(values.runs);
const targets = values.targets.split(",") as ("embedded" | "process" | "docker")[];

function cli(dir: string, ...args: string[]): { ok: boolean; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [cliMain, ...args], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
    timeout: 300_000,
  });
  return { ok: result.status === 0, stdout: result.stdout, stderr: result.stderr };
}

function freshCopy(): string {
  return copyExample({ stack: STACK, prefix: "ck-bench-targets-" });
}

/** One cold start: a fresh copy, `up --detach` until it returns all-ready, then `down --volumes`. */
function coldUp(target: string): { ms: number; ready: number } {
  const dir = freshCopy();
  try {
    const extra = target === "process" && existsSync(fixturesBin) ? ["--bin-dir", fixturesBin] : [];
    const started = performance.now();
    const up = cli(dir, "up", "--detach", "--target", target, ...extra);
    const ms = performance.now() - started;
    if (!up.ok) throw new Error(`up --target ${target} failed:\n${up.stdout}\n${up.stderr}`);
    const ready = Number(/is up: (\d+) components? ready/.exec(up.stdout)?.[1] ?? 0);
    return { ms, ready };
  } finally {
    cli(dir, "down", "--volumes");
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const results = new Map<string, { ms: number; ready: number }[]>(targets.map((t) => [t, []]));
for (let i = 0; i < runs; i++) {
  // Interleaved so drift on a noisy machine hits every target alike.
  for (const target of targets) results.get(target)?.push(coldUp(target));
  process.stderr.write(`run ${i + 1}/${runs}\n`);
}
const baseline = median(results.get("embedded")?.map((r) => r.ms) ?? []);
const rows = targets.map((target) => {
  const list = results.get(target) ?? [];
  const ms = median(list.map((r) => r.ms));
  const ratio = baseline > 0 ? `${(ms / baseline).toFixed(2)}×` : "-";
  const spread = `${Math.min(...list.map((r) => r.ms)).toFixed(0)}–${Math.max(...list.map((r) => r.ms)).toFixed(0)} ms`;
  return `| ${target}${target === "embedded" ? " (baseline)" : ""} | ${list[0]?.ready ?? 0} | ${ms.toFixed(0)} ms | ${spread} | ${ratio} |`;
});
process.stdout.write(
  [
    `cold \`up --detach\` of hello-dapp to all-ready, median of ${runs}`,
    "",
    "| target | components ready | cold up to ready | min–max | vs embedded |",
    "| --- | ---: | ---: | ---: | ---: |",
    ...rows,
    "",
  ].join("\n"),
);
