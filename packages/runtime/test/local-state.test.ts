import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, writeFileSync } from "node:fs";
import { test } from "node:test";
import {
  createSupervisor,
  getStackStatus,
  processStartTime,
  readStackState,
  stateLayout,
  stopStack,
} from "@cryptokube/runtime";
import { isProcessAlive } from "../src/local/process-identity.ts";
import {
  freePort,
  HTTP_FIXTURE,
  httpComponent,
  httpGet,
  makePlan,
  teardown,
  tempStackDir,
  waitFor,
} from "./fixtures/local-stack.ts";

function writeRawState(stackDir: string, text: string): void {
  mkdirSync(stateLayout(stackDir).root, { recursive: true });
  writeFileSync(stateLayout(stackDir).stateFile, text);
}

/** A pid that certainly belongs to no process any more. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  await once(child, "exit");
  return child.pid ?? 0;
}

test("truncated state.json: a one-line warning, and the stack starts anyway", async (t) => {
  const stackDir = tempStackDir(t);
  writeRawState(stackDir, '{"version": 1, "stack": "test-stack", "comp');
  assert.equal(readStackState(stackDir).state, undefined);
  assert.match(
    readStackState(stackDir).warnings[0] ?? "",
    /state\.json is malformed \(.*JSON.*\); treating the stack as stopped$/,
  );
  const warnings: string[] = [];
  const port = await freePort();
  const supervisor = createSupervisor({
    plan: makePlan([httpComponent("web", { port })]),
    stackDir,
    onWarning: (message) => warnings.push(message),
  });
  teardown(t, () => supervisor.stop());
  await supervisor.start();
  assert.equal(warnings.length, 1);
  assert.ok(!warnings[0]?.includes("\n"));
  assert.equal(readStackState(stackDir).state?.components[0]?.state, "ready");
  // status and down survive garbage too.
  writeRawState(stackDir, "not json at all");
  const status = await getStackStatus(stackDir);
  assert.equal(status.running, false);
  assert.equal(status.warnings.length, 1);
});

test("stale pids: a dead supervisor and a pid now owned by an unrelated process are never signalled", async (t) => {
  const stackDir = tempStackDir(t);
  const stranger = spawn("sleep", ["30"], { stdio: "ignore" });
  teardown(t, () => stranger.kill("SIGKILL"));
  const strangerPid = stranger.pid ?? 0;
  const port = await freePort();
  writeRawState(
    stackDir,
    JSON.stringify({
      version: 1,
      stack: "test-stack",
      target: "embedded",
      supervisor: { pid: await deadPid(), pidStart: "1", startedAt: "", detached: true },
      // The recorded start time does not match: the pid was reused by someone else.
      components: [
        {
          name: "web",
          state: "ready",
          pid: strangerPid,
          pidStart: "1",
          restarts: 0,
          ports: { http: port },
        },
      ],
      updatedAt: "",
    }),
  );
  const statusBefore = await getStackStatus(stackDir);
  assert.equal(statusBefore.running, false);
  assert.equal(statusBefore.components[0]?.state, "stopped");
  assert.match(
    statusBefore.warnings.join("\n"),
    /no longer running \(stale state from a crash\?\)/,
  );

  const warnings: string[] = [];
  const down = await stopStack(stackDir, { onWarning: (message) => warnings.push(message) });
  assert.equal(down.wasRunning, false);
  assert.deepEqual(down.leftovers, []);
  assert.match(
    warnings.join("\n"),
    new RegExp(
      `pid ${strangerPid} recorded for web now belongs to another process; leaving it alone`,
    ),
  );
  assert.ok(isProcessAlive(strangerPid), "an unrelated process was signalled");

  const supervisor = createSupervisor({
    plan: makePlan([httpComponent("web", { port })]),
    stackDir,
    onWarning: () => {},
  });
  teardown(t, () => supervisor.stop());
  await supervisor.start();
  assert.ok(isProcessAlive(strangerPid));
  assert.equal((await httpGet(`http://127.0.0.1:${port}/health`)).status, 200);
});

test("components orphaned by a crashed supervisor are stopped on the next up (their ports are reused)", async (t) => {
  const stackDir = tempStackDir(t);
  const port = await freePort();
  const orphan = spawn(process.execPath, [HTTP_FIXTURE, "--port", String(port)], {
    stdio: "ignore",
    detached: true,
  });
  teardown(t, () => orphan.kill("SIGKILL"));
  const orphanPid = orphan.pid ?? 0;
  await waitFor(
    async () =>
      (await httpGet(`http://127.0.0.1:${port}/health`).catch(() => undefined))?.status === 200,
    3000,
    "the orphan",
  );
  writeRawState(
    stackDir,
    JSON.stringify({
      version: 1,
      stack: "test-stack",
      target: "embedded",
      supervisor: { pid: await deadPid(), startedAt: "", detached: true },
      components: [
        {
          name: "web",
          state: "ready",
          pid: orphanPid,
          pidStart: processStartTime(orphanPid),
          restarts: 0,
          ports: {},
        },
      ],
      updatedAt: "",
    }),
  );
  const warnings: string[] = [];
  const supervisor = createSupervisor({
    plan: makePlan([httpComponent("web", { port })]),
    stackDir,
    onWarning: (message) => warnings.push(message),
  });
  teardown(t, () => supervisor.stop());
  await supervisor.start();
  assert.match(
    warnings.join("\n"),
    new RegExp(`stopping web \\(pid ${orphanPid}\\) left over from an earlier run`),
  );
  await waitFor(() => !isProcessAlive(orphanPid), 2000, "the orphan to be gone");
  const { pid } = JSON.parse((await httpGet(`http://127.0.0.1:${port}/`)).body) as { pid: number };
  assert.notEqual(pid, orphanPid);
});
