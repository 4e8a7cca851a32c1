import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { CryptoKubeError } from "@cryptokube/core";
import { createSupervisor, stateLayout } from "@cryptokube/runtime";
import {
  freePort,
  HTTP_FIXTURE,
  httpComponent,
  httpGet,
  makePlan,
  teardown,
  tempStackDir,
} from "./fixtures/local-stack.ts";

test("command apps run through the shell in their cwd, with tokens, secrets and the parent PATH resolved", async (t) => {
  const stackDir = tempStackDir(t);
  mkdirSync(join(stackDir, "app"));
  const port = await freePort();
  const app = httpComponent("app", {
    port,
    volumes: ["data"],
    run: {
      type: "command",
      cwd: "app",
      command: `exec "${process.execPath}" "${HTTP_FIXTURE}" --port ${port} --env DATA_DIR --env API_TOKEN --env PWD --env PATH --env CRYPTOKUBE_COMPONENT --env TOKEN_FILE`,
    },
    env: {
      DATA_DIR: "{{volume:data}}",
      TOKEN_FILE: "{{secret:api/token}}",
      API_TOKEN: { secret: "api", key: "token" },
    },
  });
  const supervisor = createSupervisor({
    plan: makePlan(
      [app],
      [{ name: "api", generate: { kind: "hex", bytes: 16 }, keys: ["token"], usedBy: ["app"] }],
    ),
    stackDir,
    env: { PATH: "/usr/bin:/bin:/opt/marker", NODE_TEST_CONTEXT: "child-v8" },
  });
  teardown(t, () => supervisor.stop());
  await supervisor.start();
  const { env } = JSON.parse((await httpGet(`http://127.0.0.1:${port}/`)).body) as {
    env: Record<string, string>;
  };
  const layout = stateLayout(stackDir);
  assert.equal(env.DATA_DIR, layout.volumeDir("app", "data"));
  assert.ok(existsSync(layout.volumeDir("app", "data")), "volume dir not created");
  assert.equal(env.PWD, join(stackDir, "app"));
  assert.equal(env.PATH, "/usr/bin:/bin:/opt/marker");
  assert.equal(env.CRYPTOKUBE_COMPONENT, "app");
  const secretFile = layout.secretFile("api", "token");
  assert.equal(env.TOKEN_FILE, secretFile);
  assert.match(env.API_TOKEN ?? "", /^[0-9a-f]{32}$/);
  assert.equal(readFileSync(secretFile, "utf8"), env.API_TOKEN);
  assert.equal(statSync(secretFile).mode & 0o777, 0o600);
  // The secret value is never written to any log.
  await supervisor.stop();
  for (const source of ["app", "supervisor"]) {
    assert.ok(!readFileSync(layout.logFile(source), "utf8").includes(env.API_TOKEN ?? "-"));
  }
});

test("a secret is generated once and kept across restarts of the stack", async (t) => {
  const stackDir = tempStackDir(t);
  const secrets = [
    { name: "jwt", generate: { kind: "hex" as const, bytes: 8 }, keys: ["secret"], usedBy: [] },
  ];
  const read = (): string =>
    readFileSync(stateLayout(stackDir).secretFile("jwt", "secret"), "utf8");
  const first = createSupervisor({ plan: makePlan([], secrets), stackDir });
  await first.start();
  await first.stop();
  const value = read();
  const second = createSupervisor({ plan: makePlan([], secrets), stackDir });
  await second.start();
  await second.stop();
  assert.equal(read(), value);
});

test("a node component's nodeOptions reach its Node.js process before the module", async (t) => {
  const stackDir = tempStackDir(t);
  const port = await freePort();
  const server = httpComponent("server", { port });
  server.run = {
    type: "node",
    module: HTTP_FIXTURE,
    args: ["--port", String(port)],
    nodeOptions: ["--liftoff-only", "--stack-trace-limit=7"],
  };
  const supervisor = createSupervisor({ plan: makePlan([server]), stackDir });
  teardown(t, () => supervisor.stop());
  await supervisor.start();
  const answer = JSON.parse((await httpGet(`http://127.0.0.1:${port}/`)).body) as {
    execArgv: string[];
  };
  assert.deepEqual(answer.execArgv, ["--liftoff-only", "--stack-trace-limit=7"]);
});

test("a missing binary or an image-only component is refused before anything starts", async (t) => {
  const stackDir = tempStackDir(t);
  const port = await freePort();
  const geth = httpComponent("geth", { port: await freePort() });
  geth.run = {
    type: "binary",
    binary: "geth-not-installed",
    args: [],
    image: "ethereum/client-go",
  };
  const first = createSupervisor({
    plan: makePlan([httpComponent("ok", { port }), geth]),
    stackDir,
    env: { PATH: "/usr/bin" },
  });
  await assert.rejects(first.start(), (error: unknown) => {
    assert.ok(error instanceof CryptoKubeError);
    assert.equal(error.code, "BINARY_NOT_FOUND");
    assert.equal(
      error.message,
      "geth needs the program 'geth-not-installed', which is not on PATH",
    );
    return true;
  });
  assert.equal(existsSync(stateLayout(stackDir).logFile("ok")), false, "ok was started");

  const web = httpComponent("web", { port: await freePort() });
  web.run = { type: "image", image: "nginx:1.27", args: [] };
  const second = createSupervisor({ plan: makePlan([web]), stackDir });
  await assert.rejects(
    second.start(),
    /web runs as the container image 'nginx:1\.27', which needs the docker target/,
  );

  const found = httpComponent("sh", { port: await freePort(), readiness: "none" });
  found.run = { type: "binary", binary: "sleep", args: ["30"], image: "busybox" };
  const third = createSupervisor({
    plan: makePlan([found]),
    stackDir,
    env: { PATH: "/usr/bin:/bin" },
  });
  teardown(t, () => third.stop());
  const summary = await third.start();
  assert.equal(summary.components[0]?.state, "ready");
});

test("the docker and kubernetes targets are refused by the local supervisor", async (t) => {
  const plan = { ...makePlan([]), target: "kubernetes" as const };
  await assert.rejects(
    createSupervisor({ plan, stackDir: tempStackDir(t) }).start(),
    /not 'kubernetes'/,
  );
});

test("volumes persist across restarts of the stack unless it starts fresh", async (t) => {
  const stackDir = tempStackDir(t);
  const plan = makePlan([httpComponent("eth", { port: await freePort(), volumes: ["data"] })]);
  const marker = join(stateLayout(stackDir).volumeDir("eth", "data"), "chain.db");
  const run = async (fresh: boolean): Promise<void> => {
    const supervisor = createSupervisor({ plan, stackDir, fresh });
    await supervisor.start();
    await supervisor.stop();
  };
  await run(false);
  writeFileSync(marker, "blocks");
  await run(false);
  assert.equal(readFileSync(marker, "utf8"), "blocks");
  await run(true);
  assert.equal(existsSync(marker), false, "--fresh kept the old data");
  assert.ok(
    existsSync(stateLayout(stackDir).volumeDir("eth", "data")),
    "--fresh did not recreate the volume",
  );
});
