/**
 * The `up` / `status` / `logs` / `down` commands end to end, with a real stack
 * file parsed and planned, driven in-process the way `runCli` drives them.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { test } from "node:test";
import { isPortFree, readStackState, stopStack } from "@cryptokube/runtime";
import { runCli } from "../../cli/src/cli.ts";
import { isProcessAlive } from "../src/local/process-identity.ts";
import {
  freePort,
  HTTP_FIXTURE,
  httpGet,
  teardown,
  tempStackDir,
  waitFor,
} from "./fixtures/local-stack.ts";

interface Run {
  code: Promise<number>;
  stdout: () => string;
  stderr: () => string;
}

/** The real `runCli`, with output captured as it streams (foreground `up` is read while it runs). */
function cli(cwd: string, argv: string[], signal = new AbortController().signal): Run {
  let out = "";
  let err = "";
  const code = runCli(argv, {
    cwd,
    env: { ...process.env, NO_COLOR: "1" },
    stdout: { write: (chunk: string) => (out += chunk) },
    stderr: { write: (chunk: string) => (err += chunk) },
    signal,
  });
  return { code, stdout: () => out, stderr: () => err };
}

async function writeStack(stackDir: string): Promise<{ api: number; web: number }> {
  const ports = { api: await freePort(), web: await freePort() };
  // JSON strings are valid YAML scalars: the paths are quoted for the shell inside.
  const command = (args: string) =>
    JSON.stringify(`"${process.execPath}" "${HTTP_FIXTURE}" ${args}`);
  writeFileSync(
    join(stackDir, "cryptokube.yaml"),
    `name: cli-test
apps:
  api:
    command: ${command(`--port ${ports.api} --name api`)}
    ports: { http: ${ports.api} }
    health: { http: /health }
  web:
    command: ${command(`--port ${ports.web} --name web --env API_URL`)}
    ports: { http: ${ports.web} }
    env:
      API_URL: \${apps.api.http}
    depends_on: [api]
    health: { http: /health }
`,
  );
  return ports;
}

test("up --detach, status --json, logs, a refused second up, then down leaving no process and free ports", async (t) => {
  const stackDir = tempStackDir(t);
  teardown(t, () => stopStack(stackDir));
  const ports = await writeStack(stackDir);

  const up = cli(stackDir, ["up", "--detach", "--json"]);
  assert.equal(await up.code, 0, up.stderr());
  const started = JSON.parse(up.stdout()) as {
    detached: boolean;
    components: { name: string; state: string; endpoints: { url: string }[] }[];
  };
  assert.equal(started.detached, true);
  assert.deepEqual(
    started.components.map((component) => [
      component.name,
      component.state,
      component.endpoints[0]?.url,
    ]),
    [
      ["api", "ready", `http://127.0.0.1:${ports.api}`],
      ["web", "ready", `http://127.0.0.1:${ports.web}`],
    ],
  );
  assert.match(up.stderr(), /✓ api ready in \d+\.\ds\n/);
  const app = JSON.parse((await httpGet(`http://127.0.0.1:${ports.web}/`)).body) as {
    env: { API_URL: string };
  };
  assert.equal(app.env.API_URL, `http://127.0.0.1:${ports.api}`);

  const status = cli(stackDir, ["status", "--json"]);
  assert.equal(await status.code, 0);
  const parsed = JSON.parse(status.stdout()) as {
    running: boolean;
    components: { state: string; health?: { ok: boolean } }[];
  };
  assert.equal(parsed.running, true);
  assert.deepEqual(
    parsed.components.map((component) => [component.state, component.health?.ok]),
    [
      ["ready", true],
      ["ready", true],
    ],
  );

  // A component's output reaches its log through a pipe, so it may trail its readiness
  // probe by a moment: wait for the line rather than race it.
  const listening = new RegExp(`^web {8}\\| web listening on ${ports.web}`, "m");
  let logs = cli(stackDir, ["logs", "web", "supervisor"]);
  for (let tries = 0; tries < 50 && !listening.test(logs.stdout()); tries++) {
    assert.equal(await logs.code, 0);
    await new Promise((resolve) => setTimeout(resolve, 50));
    logs = cli(stackDir, ["logs", "web", "supervisor"]);
  }
  assert.equal(await logs.code, 0);
  assert.match(logs.stdout(), listening);
  assert.match(logs.stdout(), /^supervisor \| web ready in/m);
  assert.doesNotMatch(logs.stdout(), /^api /m);
  const unknown = cli(stackDir, ["logs", "nope"]);
  assert.equal(await unknown.code, 2);
  assert.match(unknown.stderr(), /no component named nope in this stack \(components: api, web\)/);

  const again = cli(stackDir, ["up", "--detach"]);
  assert.equal(await again.code, 1);
  assert.match(again.stderr(), /this stack is already up \(supervisor pid \d+/);

  const pids = [
    readStackState(stackDir).state?.supervisor?.pid ?? 0,
    ...(readStackState(stackDir).state?.components ?? []).map((record) => record.pid ?? 0),
  ];
  assert.ok(pids.every((pid) => pid > 0 && isProcessAlive(pid)));
  const down = cli(stackDir, ["down"]);
  assert.equal(await down.code, 0, down.stderr());
  assert.match(down.stdout(), /✓ stopped cli-test \(supervisor pid \d+\)\ndata kept/);
  for (const pid of pids) assert.equal(isProcessAlive(pid), false, `pid ${pid} is still alive`);
  assert.equal(await isPortFree(ports.api), true);
  assert.equal(await isPortFree(ports.web), true);
  const stopped = cli(stackDir, ["status"]);
  assert.equal(await stopped.code, 0);
  assert.match(stopped.stdout(), /cli-test \(target embedded\): not running/);
});

test("foreground up prints the endpoints, follows the log, and stops everything when interrupted", async (t) => {
  const stackDir = tempStackDir(t);
  teardown(t, () => stopStack(stackDir));
  const ports = await writeStack(stackDir);
  const controller = new AbortController();
  const up = cli(stackDir, ["up"], controller.signal);
  await waitFor(() => up.stdout().includes("following the merged log"), 5000, "the stack to be up");
  assert.match(
    up.stdout(),
    /COMPONENT {2}ENDPOINT {2}URL\napi {8}http {6}http:\/\/127\.0\.0\.1:\d+\nweb/,
  );
  await waitFor(
    () => up.stdout().includes(`web        | web listening on ${ports.web}`),
    2000,
    "web's output",
  );
  const pids = (readStackState(stackDir).state?.components ?? []).map((record) => record.pid ?? 0);
  controller.abort();
  assert.equal(await up.code, 0, up.stderr());
  assert.match(up.stdout(), /stopping…\n✓ stopped cli-test/);
  for (const pid of pids) assert.equal(isProcessAlive(pid), false);
  // The shell's child (the server itself) went with its process group.
  assert.equal(await isPortFree(ports.api), true);
  assert.equal(await isPortFree(ports.web), true);
  assert.equal(readStackState(stackDir).state?.supervisor, undefined);
});

test("up refuses a taken port before starting anything, and targets it cannot run", async (t) => {
  const stackDir = tempStackDir(t);
  const ports = await writeStack(stackDir);
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(ports.web, "127.0.0.1", resolve));
  t.after(() => blocker.close());
  const up = cli(stackDir, ["up", "--detach"]);
  assert.equal(await up.code, 1);
  assert.match(
    up.stderr(),
    new RegExp(`error: port ${ports.web} \\(web\\.http\\) is already in use; nothing was started`),
  );
  assert.equal(await isPortFree(ports.api), true);
  assert.equal(readStackState(stackDir).state, undefined);

  // On the docker target, command apps are host processes: the same port check applies.
  const docker = cli(stackDir, ["up", "--target", "docker"]);
  assert.equal(await docker.code, 1);
  assert.match(
    docker.stderr(),
    new RegExp(`error: port ${ports.web} \\(web\\.http\\) is already in use`),
  );
});
