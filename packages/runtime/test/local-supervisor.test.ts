import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import {
  ComponentStartError,
  createSupervisor,
  isPortFree,
  type LogLine,
  type ProgressEvent,
  readStackState,
  stateLayout,
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

test("starts in dependency order, gated on readiness, independent components in parallel; stop frees everything", async (t) => {
  const stackDir = tempStackDir(t);
  const [dbPort, apiPort, cachePort] = [await freePort(), await freePort(), await freePort()];
  const plan = makePlan([
    httpComponent("db", { port: dbPort, args: ["--ready-after", "400"] }),
    httpComponent("api", { port: apiPort, dependsOn: ["db"] }),
    httpComponent("cache", { port: cachePort }),
  ]);
  const events: (ProgressEvent & { at: number })[] = [];
  const lines: LogLine[] = [];
  const supervisor = createSupervisor({
    plan,
    stackDir,
    onProgress: (event) => events.push({ ...event, at: Date.now() }),
    onLog: (line) => lines.push(line),
  });
  teardown(t, () => supervisor.stop());
  const summary = await supervisor.start();

  const at = (type: string, component: string): number => {
    const found = events.find((event) => event.type === type && event.component === component);
    assert.ok(found, `no ${type} event for ${component}`);
    return found.at;
  };
  assert.ok(at("starting", "api") >= at("ready", "db"), "api started before db was ready");
  assert.ok(at("ready", "cache") < at("ready", "db"), "cache waited for db although independent");
  assert.deepEqual(
    summary.components.map((record) => [record.name, record.state]),
    [
      ["db", "ready"],
      ["api", "ready"],
      ["cache", "ready"],
    ],
  );
  for (const port of [dbPort, apiPort, cachePort]) {
    assert.equal((await httpGet(`http://127.0.0.1:${port}/health`)).status, 200);
  }

  const state = readStackState(stackDir).state;
  assert.equal(state?.supervisor?.pid, process.pid);
  const pids = state?.components.map((record) => record.pid) ?? [];
  assert.equal(pids.length, 3);
  assert.ok(pids.every((pid) => pid !== undefined && isProcessAlive(pid)));

  // Merged stream: component output and supervisor events; files hold timestamped lines.
  assert.ok(
    lines.some((line) => line.source === "db" && line.text.includes(`db listening on ${dbPort}`)),
  );
  assert.ok(
    lines.some((line) => line.source === "supervisor" && /^db ready in \d+\.\ds$/.test(line.text)),
  );
  const dbLog = readFileSync(stateLayout(stackDir).logFile("db"), "utf8");
  assert.match(dbLog, /^\d{4}-\d\d-\d\dT[\d:.]+Z db listening on \d+/m);

  await supervisor.stop();
  for (const pid of pids)
    assert.equal(isProcessAlive(pid ?? 0), false, `pid ${pid} still alive after stop`);
  for (const port of [dbPort, apiPort, cachePort]) assert.equal(await isPortFree(port), true);
  const after = readStackState(stackDir).state;
  assert.equal(after?.supervisor, undefined);
  assert.deepEqual(
    after?.components.map((record) => [record.state, record.pid]),
    [
      ["stopped", undefined],
      ["stopped", undefined],
      ["stopped", undefined],
    ],
  );
  // Dependents stop first.
  const supervisorLog = readFileSync(stateLayout(stackDir).logFile("supervisor"), "utf8");
  assert.ok(supervisorLog.indexOf("api stopped") < supervisorLog.indexOf("db stopped"));
});

test("kill -9 of one component: restarted with backoff, the others keep serving, the log says so", async (t) => {
  const stackDir = tempStackDir(t);
  const [ethPort, webPort] = [await freePort(), await freePort()];
  const lines: LogLine[] = [];
  const supervisor = createSupervisor({
    plan: makePlan([
      httpComponent("eth", { port: ethPort }),
      httpComponent("web", { port: webPort, dependsOn: ["eth"] }),
    ]),
    stackDir,
    onLog: (line) => lines.push(line),
  });
  teardown(t, () => supervisor.stop());
  await supervisor.start();
  const before = supervisor.status();
  const ethPid = before[0]?.pid ?? 0;
  const webPid = before[1]?.pid ?? 0;

  process.kill(ethPid, "SIGKILL");
  await waitFor(
    () => lines.find((line) => line.text === "eth exited (signal SIGKILL); restarting in 250ms"),
    2000,
    "the restart event",
  );
  // During the backoff the dependent keeps running and serving.
  assert.equal((await httpGet(`http://127.0.0.1:${webPort}/health`)).status, 200);
  const restarted = await waitFor(
    () => supervisor.status().find((record) => record.name === "eth" && record.state === "ready"),
    3000,
    "eth to be ready again",
  );
  assert.notEqual(restarted.pid, ethPid);
  assert.equal(restarted.restarts, 1);
  assert.equal(restarted.lastExit?.signal, "SIGKILL");
  assert.equal((await httpGet(`http://127.0.0.1:${ethPort}/health`)).status, 200);
  assert.equal(supervisor.status()[1]?.pid, webPid, "web was restarted too");
  assert.ok(
    lines.some((line) => line.source === "supervisor" && line.text.startsWith("eth ready in")),
  );
  const supervisorLog = readFileSync(stateLayout(stackDir).logFile("supervisor"), "utf8");
  assert.match(supervisorLog, /Z eth exited \(signal SIGKILL\); restarting in 250ms\n/);
});

test("a hung component (alive, not answering) fails its liveness checks and is restarted", async (t) => {
  const stackDir = tempStackDir(t);
  const port = await freePort();
  const lines: LogLine[] = [];
  const hung = httpComponent("eth", { port });
  hung.health.liveness = [{ type: "http", endpoint: "http", path: "/health" }];
  const supervisor = createSupervisor({
    plan: makePlan([hung]),
    stackDir,
    stopGraceMs: 300,
    liveness: { intervalMs: 100, failures: 2 },
    onLog: (line) => lines.push(line),
  });
  teardown(t, () => supervisor.stop());
  await supervisor.start();
  const pid = supervisor.status()[0]?.pid ?? 0;
  // SIGSTOP: the process exists, holds its port, and answers nothing (nor SIGTERM).
  process.kill(pid, "SIGSTOP");
  t.after(() => {
    if (isProcessAlive(pid)) process.kill(pid, "SIGKILL");
  });
  await waitFor(
    () =>
      lines.find((line) =>
        /^eth is not alive \(.*2 checks in a row\); stopping it$/.test(line.text),
      ),
    5000,
    "the liveness verdict",
  );
  const restarted = await waitFor(
    () => supervisor.status().find((record) => record.state === "ready" && record.pid !== pid),
    8000,
    "eth to be ready again in a new process",
  );
  assert.equal(restarted.restarts, 1);
  assert.equal(restarted.lastExit?.signal, "SIGKILL", "a stopped process only yields to SIGKILL");
  assert.equal(isProcessAlive(pid), false);
  assert.equal((await httpGet(`http://127.0.0.1:${port}/health`)).status, 200);
});

test("crash loop: after the limit the component is failed and the rest keeps running", async (t) => {
  const stackDir = tempStackDir(t);
  const [flakyPort, stablePort] = [await freePort(), await freePort()];
  const lines: LogLine[] = [];
  const supervisor = createSupervisor({
    plan: makePlan([
      // No readiness checks: ready when it runs, then it keeps crashing.
      httpComponent("flaky", { port: flakyPort, args: ["--exit-after", "100"], readiness: "none" }),
      httpComponent("stable", { port: stablePort }),
    ]),
    stackDir,
    backoff: { initialMs: 20, maxMs: 80, crashLimit: 3, windowMs: 30_000 },
    onLog: (line) => lines.push(line),
  });
  teardown(t, () => supervisor.stop());
  await supervisor.start();
  const failed = await waitFor(
    () =>
      supervisor.status().find((record) => record.name === "flaky" && record.state === "failed"),
    5000,
    "flaky to be failed",
  );
  assert.equal(failed.restarts, 2);
  assert.match(failed.message ?? "", /crashed 3 times within 30s, giving up/);
  const backoffs = lines.filter((line) =>
    line.text.startsWith("flaky exited with code 1; restarting in"),
  );
  assert.deepEqual(
    backoffs.map((line) => line.text.replace(/.* in /, "")),
    ["20ms", "40ms"],
  );
  assert.ok(
    lines.some(
      (line) => line.source === "flaky" && line.text.includes("exiting with code 1 on purpose"),
    ),
  );
  assert.equal(supervisor.status().find((record) => record.name === "stable")?.state, "ready");
  assert.equal((await httpGet(`http://127.0.0.1:${stablePort}/health`)).status, 200);
  assert.equal(readStackState(stackDir).state?.components[0]?.state, "failed");
});

test("a component that cannot become ready fails the start with its last lines, and nothing is left running", async (t) => {
  const stackDir = tempStackDir(t);
  const [goodPort, badPort] = [await freePort(), await freePort()];
  const supervisor = createSupervisor({
    plan: makePlan([
      httpComponent("good", { port: goodPort }),
      httpComponent("bad", { port: badPort, args: ["--ready-after", "60000"], startupSeconds: 1 }),
      httpComponent("after-bad", { port: await freePort(), dependsOn: ["bad"] }),
    ]),
    stackDir,
  });
  teardown(t, () => supervisor.stop());
  const error = await supervisor.start().then(
    () => assert.fail("start should fail"),
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof ComponentStartError);
  assert.equal(error.component, "bad");
  assert.match(
    error.message,
    /bad failed to start: not ready within 1\.0s \(last check: GET http:\/\/127\.0\.0\.1:\d+\/health answered 503\)/,
  );
  assert.ok(error.logTail.some((line) => line.includes("bad listening on")));
  const state = readStackState(stackDir).state;
  assert.equal(state?.supervisor, undefined);
  assert.equal(state?.components.find((record) => record.name === "after-bad")?.pid, undefined);
  assert.equal(await isPortFree(goodPort), true);
  assert.equal(await isPortFree(badPort), true);
});

test("stop kills the whole process group and escalates to SIGKILL after the grace period", async (t) => {
  const stackDir = tempStackDir(t);
  const lines: LogLine[] = [];
  const supervisor = createSupervisor({
    plan: makePlan([
      httpComponent("parent", { port: await freePort(), args: ["--spawn-child"] }),
      httpComponent("stubborn", { port: await freePort(), args: ["--ignore-sigterm"] }),
    ]),
    stackDir,
    stopGraceMs: 300,
    onLog: (line) => lines.push(line),
  });
  teardown(t, () => supervisor.stop());
  await supervisor.start();
  const childLine = await waitFor(
    () => lines.find((line) => line.source === "parent" && line.text.startsWith("child pid ")),
    2000,
    "the grandchild's pid",
  );
  const grandchild = Number(childLine.text.slice("child pid ".length));
  assert.ok(isProcessAlive(grandchild));
  const stubborn = supervisor.status()[1]?.pid ?? 0;
  const begin = Date.now();
  await supervisor.stop();
  assert.ok(Date.now() - begin >= 250, "stubborn was not given its grace period");
  await waitFor(() => !isProcessAlive(grandchild), 2000, "the grandchild to die");
  assert.equal(isProcessAlive(stubborn), false);
  assert.ok(lines.some((line) => line.text === "stubborn ignores SIGTERM"));
  assert.equal(readStackState(stackDir).state?.components[1]?.lastExit?.signal, "SIGKILL");
});

test("a component whose module is not built yet is reported unavailable and skipped; the rest starts", async (t) => {
  const stackDir = tempStackDir(t);
  const events: ProgressEvent[] = [];
  // A platform module this installation does not have (every current one is built).
  const indexer = httpComponent("indexer", { port: await freePort() });
  indexer.run = { type: "node", module: "@cryptokube/not-built/main", args: [] };
  const webPort = await freePort();
  const supervisor = createSupervisor({
    plan: makePlan([indexer, httpComponent("web", { port: webPort, dependsOn: ["indexer"] })]),
    stackDir,
    onProgress: (event) => events.push(event),
  });
  teardown(t, () => supervisor.stop());
  const summary = await supervisor.start();
  const unavailable = events.find((event) => event.type === "unavailable");
  assert.ok(unavailable?.type === "unavailable");
  assert.equal(unavailable.component, "indexer");
  assert.match(
    unavailable.reason,
    /^not available yet in this version \(module @cryptokube\/not-built\/main/,
  );
  assert.deepEqual(
    summary.components.map((record) => [record.name, record.state, record.pid === undefined]),
    [
      ["indexer", "unavailable", true],
      ["web", "ready", false],
    ],
  );
  assert.equal((await httpGet(`http://127.0.0.1:${webPort}/health`)).status, 200);
});
