#!/usr/bin/env node
// The whole test suite: lint and format (Biome), types (tsc), then every test file
// with Node's built-in runner. Plain JavaScript so it starts on any Node.js: on one
// older than 22.18 (no TypeScript type stripping) it re-runs itself under the pinned
// Node 24 from scripts/provision-node.sh.
//
//   node scripts/test.mjs                 everything
//   node scripts/test.mjs --only-tests    skip lint and types
//   node scripts/test.mjs packages/spec   only test files under these paths
import { execFileSync, spawnSync } from "node:child_process";
import { globSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 18) || typeof globSync !== "function") {
  const bin = execFileSync("bash", [join(root, "scripts", "provision-node.sh")], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  }).trim();
  const env = { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ""}` };
  const rerun = spawnSync(
    join(bin, "node"),
    [fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    {
      stdio: "inherit",
      env,
    },
  );
  process.exit(rerun.status ?? 1);
}

const args = process.argv.slice(2);
const onlyTests = args.includes("--only-tests");
const roots = args.filter((a) => !a.startsWith("--"));
const bin = (name) => join(root, "node_modules", ".bin", name);

function step(title, command, commandArgs, timeoutMs) {
  process.stdout.write(`\n▶ ${title}\n`);
  const result = spawnSync(command, commandArgs, {
    cwd: root,
    stdio: "inherit",
    ...(timeoutMs === undefined ? {} : { timeout: timeoutMs, killSignal: "SIGKILL" }),
  });
  if (result.error?.code === "ETIMEDOUT") {
    process.stdout.write(
      `✖ ${title} did not finish within ${timeoutMs / 60_000} minutes: a test hung (the files still running are the ones started above without a result)\n`,
    );
    process.exit(1);
  }
  if (result.status !== 0) {
    process.stdout.write(`✖ ${title} failed (exit ${result.status ?? result.signal})\n`);
    process.exit(result.status || 1);
  }
}

if (!onlyTests) {
  step("biome (format + lint)", bin("biome"), ["ci", "."]);
  step("tsc (types)", bin("tsc"), ["-p", "tsconfig.json", "--noEmit"]);
}

const patterns = ["packages/*/test/**/*.test.ts", "examples/*/test/**/*.test.ts"];
let files = patterns.flatMap((pattern) => globSync(pattern, { cwd: root })).sort();
if (roots.length > 0) files = files.filter((f) => roots.some((r) => f.startsWith(r)));
if (files.length === 0) {
  process.stdout.write("no test files matched\n");
  process.exit(1);
}
// A test that starves its own event loop cannot time itself out: the whole run is bounded
// too (a cold run of the suite takes under 10 minutes here).
const SUITE_TIMEOUT_MS = 30 * 60_000;
step(
  `tests (${files.length} files)`,
  process.execPath,
  ["--test", "--test-concurrency=2", "--test-timeout=300000", "--test-reporter=spec", ...files],
  SUITE_TIMEOUT_MS,
);
