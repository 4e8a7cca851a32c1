/**
 * `up` on the process and docker targets, where it must refuse before anything
 * starts: a --bin-dir that is not a directory, node software that is nowhere to
 * be found (naming the program and how to get it), a Docker engine that is not
 * there (saying how to start it).
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { runCapture } from "./run-cli.ts";

const STACK = `name: targets-cli
chains:
  eth: { type: ethereum, network: devnet }
storage:
  ipfs: {}
`;

function stackDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), "ck-up-targets-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "cryptokube.yaml"), STACK);
  return dir;
}

test("up --bin-dir that is not a directory is a usage error", async (t) => {
  const dir = stackDir(t);
  const result = await runCapture(["up", "--target", "process", "--bin-dir", "no-such-dir"], {
    cwd: dir,
    env: { PATH: "/usr/bin:/bin" },
  });
  assert.equal(result.code, 2);
  assert.match(result.stderr, /--bin-dir .*no-such-dir is not a directory/);
});

test("up --target process without geth names it and how to get it; nothing starts", async (t) => {
  const dir = stackDir(t);
  const bin = join(dir, "bin");
  mkdirSync(bin);
  const result = await runCapture(["up", "--target", "process", "--bin-dir", "bin"], {
    cwd: dir,
    env: { PATH: "/usr/bin:/bin" },
  });
  assert.equal(result.code, 1);
  assert.match(
    result.stderr,
    new RegExp(`eth needs the program 'geth', which is not in ${bin} or on PATH`),
  );
  assert.match(result.stderr, /hint: .*bash scripts\/fixtures\/build\.sh/);
  assert.equal(existsSync(join(dir, ".cryptokube", "state.json")), false, "nothing was started");
});

test("up --target docker with no engine says how to start one; nothing starts", async (t) => {
  const dir = stackDir(t);
  const result = await runCapture(["up", "--target", "docker"], {
    cwd: dir,
    env: { PATH: "/usr/bin:/bin", DOCKER_HOST: `unix://${join(dir, "no-docker.sock")}` },
  });
  assert.equal(result.code, 1);
  assert.match(
    result.stderr,
    /cannot reach the Docker engine at .*no-docker\.sock \(ENOENT\); nothing was started/,
  );
  assert.match(result.stderr, /hint: start the engine/);
  assert.equal(existsSync(join(dir, ".cryptokube", "state.json")), false, "nothing was started");
});
