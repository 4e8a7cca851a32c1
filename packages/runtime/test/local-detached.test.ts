import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { test } from "node:test";
import { CryptoKubeError } from "@cryptokube/core";
import {
  ComponentStartError,
  createSupervisor,
  getStackStatus,
  isPortFree,
  readStackState,
  startDetached,
  stateLayout,
  stopStack,
} from "@cryptokube/runtime";
import { isProcessAlive } from "../src/local/process-identity.ts";
import {
  freePort,
  httpComponent,
  httpGet,
  makePlan,
  teardown,
  tempStackDir,
  waitFor,
} from "./fixtures/local-stack.ts";

async function twoComponentPlan(stack: string) {
  const ports = [await freePort(), await freePort()] as const;
  const plan = makePlan(
    [
      httpComponent("eth", { port: ports[0], volumes: ["chain"] }),
      httpComponent("web", { port: ports[1], dependsOn: ["eth"] }),
    ],
    [],
    stack,
  );
  return { plan, ports };
}

test("two stacks run side by side in the background; status, kill -9 recovery and down act on one only", async (t) => {
  const dirA = tempStackDir(t);
  const dirB = tempStackDir(t);
  teardown(t, () => stopStack(dirA));
  teardown(t, () => stopStack(dirB));
  const a = await twoComponentPlan("stack-a");
  const b = await twoComponentPlan("stack-b");
  const progress: string[] = [];
  const [upA, upB] = await Promise.all([
    startDetached({
      plan: a.plan,
      stackDir: dirA,
      onProgress: (event) => progress.push(`${event.type} ${event.component}`),
    }),
    startDetached({ plan: b.plan, stackDir: dirB }),
  ]);
  assert.notEqual(upA.pid, process.pid);
  assert.ok(isProcessAlive(upA.pid) && isProcessAlive(upB.pid));
  // Progress is relayed from the background supervisor, in dependency order.
  assert.ok(
    progress.indexOf("ready eth") >= 0 &&
      progress.indexOf("ready eth") < progress.indexOf("starting web"),
  );
  assert.ok(progress.includes("ready web"));
  for (const port of [...a.ports, ...b.ports])
    assert.equal((await httpGet(`http://127.0.0.1:${port}/health`)).status, 200);

  const status = await getStackStatus(dirA);
  assert.equal(status.running, true);
  assert.equal(status.stack, "stack-a");
  assert.equal(status.supervisor?.pid, upA.pid);
  assert.equal(status.supervisor?.detached, true);
  assert.deepEqual(
    status.components.map((component) => [
      component.name,
      component.state,
      component.health?.ok,
      component.endpoints[0]?.url,
    ]),
    [
      ["eth", "ready", true, `http://127.0.0.1:${a.ports[0]}`],
      ["web", "ready", true, `http://127.0.0.1:${a.ports[1]}`],
    ],
  );

  // The same stack cannot be brought up twice.
  await assert.rejects(
    createSupervisor({ plan: a.plan, stackDir: dirA }).start(),
    (error: unknown) => {
      assert.ok(error instanceof CryptoKubeError);
      assert.equal(error.code, "STACK_ALREADY_UP");
      assert.match(error.message, new RegExp(`already up \\(supervisor pid ${upA.pid}`));
      return true;
    },
  );

  // …nor in the background; and the refused attempt leaves the running stack's state alone.
  await assert.rejects(startDetached({ plan: a.plan, stackDir: dirA }), /this stack is already up/);
  assert.equal((await getStackStatus(dirA, { probe: false })).running, true);

  // kill -9 of a component of stack B: its background supervisor restarts it.
  const ethB = (await getStackStatus(dirB)).components[0];
  process.kill(ethB?.pid ?? 0, "SIGKILL");
  await waitFor(
    async () => {
      const eth = (await getStackStatus(dirB, { probe: false })).components[0];
      return eth?.state === "ready" && eth.restarts === 1;
    },
    5000,
    "stack-b's eth to be restarted",
  );

  const pidsA = (readStackState(dirA).state?.components ?? []).map((record) => record.pid ?? 0);
  const down = await stopStack(dirA, { removeVolumes: true });
  assert.equal(down.wasRunning, true);
  assert.equal(down.supervisorPid, upA.pid);
  assert.deepEqual(down.busyPorts, []);
  assert.equal(isProcessAlive(upA.pid), false);
  for (const pid of pidsA) assert.equal(isProcessAlive(pid), false, `pid ${pid} of stack-a left`);
  for (const port of a.ports) assert.equal(await isPortFree(port), true);
  assert.equal(existsSync(stateLayout(dirA).volumesDir), false);
  assert.equal((await getStackStatus(dirA)).running, false);
  // Stack B is untouched.
  for (const port of b.ports)
    assert.equal((await httpGet(`http://127.0.0.1:${port}/health`)).status, 200);
  assert.equal((await stopStack(dirB)).wasRunning, true);
  assert.ok(
    existsSync(stateLayout(dirB).volumeDir("eth", "chain")),
    "down without --volumes deleted data",
  );
  assert.equal((await stopStack(dirB)).wasRunning, false);
});

test("a background start that fails returns the failing component's last lines and leaves nothing running", async (t) => {
  const stackDir = tempStackDir(t);
  teardown(t, () => stopStack(stackDir));
  const port = await freePort();
  const plan = makePlan([
    httpComponent("eth", { port, args: ["--ready-after", "60000"], startupSeconds: 1 }),
  ]);
  const error = await startDetached({ plan, stackDir }).then(
    () => assert.fail("should fail"),
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof ComponentStartError);
  assert.equal(error.component, "eth");
  assert.match(error.message, /eth failed to start: not ready within 1\.0s/);
  assert.ok(error.logTail.some((line) => line.includes(`eth listening on ${port}`)));
  const state = readStackState(stackDir).state;
  assert.equal(state?.supervisor, undefined);
  assert.equal(state?.components[0]?.pid, undefined);
  assert.equal(await isPortFree(port), true);
});
