/**
 * The process target without real node software: programs found in
 * CRYPTOKUBE_BIN_PATH before PATH (and that PATH handed to the component's
 * script), `{{file:…}}` written under the state dir, `$(ENV)` expanded, and a
 * missing program refused before anything starts, naming it and how to get it.
 */
import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { CryptoKubeError } from "@cryptokube/core";
import { createSupervisor, stateLayout } from "@cryptokube/runtime";
import { programsOf } from "../src/local/program-path.ts";
import {
  freePort,
  HTTP_FIXTURE,
  httpComponent,
  httpGet,
  makePlan,
  teardown,
  tempStackDir,
} from "./fixtures/local-stack.ts";

test("the programs of a catalog start script are the commands it runs, not shell builtins", () => {
  assert.deepEqual(
    programsOf("sh", [
      "-c",
      "geth init --datadir '/d' '/g.json' && exec geth --dev --datadir '/d' --http",
    ]),
    ["sh", "geth"],
  );
  assert.deepEqual(
    programsOf("sh", [
      "-c",
      `export IPFS_PATH="/d" && { [ -f "$IPFS_PATH/config" ] || { ipfs init --profile=test && ipfs config Routing.Type none; }; } && exec ipfs daemon`,
    ]),
    ["sh", "ipfs"],
  );
  assert.deepEqual(programsOf("geth", ["--dev"]), ["geth"]);
});

/** A program in a private bin dir: a shell wrapper around the HTTP fixture. */
function fakeProgram(binDir: string, name: string): void {
  mkdirSync(binDir, { recursive: true });
  const file = join(binDir, name);
  writeFileSync(file, `#!/bin/sh\nexec "${process.execPath}" "${HTTP_FIXTURE}" "$@"\n`);
  chmodSync(file, 0o755);
}

test("programs come from CRYPTOKUBE_BIN_PATH before PATH; {{file:}} and $(ENV) are filled in", async (t) => {
  const stackDir = tempStackDir(t);
  const binDir = join(stackDir, "bin");
  fakeProgram(binDir, "fakenode");
  const port = await freePort();
  const node = httpComponent("node", { port, volumes: ["data"] });
  node.run = {
    type: "binary",
    binary: "sh",
    args: [
      "-c",
      `test -f '{{file:genesis.json}}' && exec fakenode --port ${port} --file '{{file:genesis.json}}' --env PATH --env CHAIN --name '$(CHAIN)'`,
    ],
    image: "example/fakenode:1",
    imageCommand: ["sh"],
  };
  node.env = { CHAIN: "devnet-31337" };
  node.settings = { files: { "genesis.json": '{"config":{"chainId":31337}}\n' } };
  const supervisor = createSupervisor({
    plan: { ...makePlan([node]), target: "process" },
    stackDir,
    env: { PATH: "/usr/bin:/bin", CRYPTOKUBE_BIN_PATH: binDir },
  });
  teardown(t, () => supervisor.stop());
  await supervisor.start();
  const answer = JSON.parse((await httpGet(`http://127.0.0.1:${port}/`)).body) as {
    name: string;
    env: Record<string, string>;
  };
  assert.equal(answer.env.PATH, `${binDir}:/usr/bin:/bin`, "bin dir first on the script's PATH");
  assert.equal(answer.name, "devnet-31337", "$(CHAIN) expanded from the component's env");
  const genesis = stateLayout(stackDir).componentFile("node", "genesis.json");
  assert.equal(readFileSync(genesis, "utf8"), '{"config":{"chainId":31337}}\n');
  assert.equal(
    (await httpGet(`http://127.0.0.1:${port}/file`)).body,
    '{"config":{"chainId":31337}}\n',
    "the script got the file's path",
  );
});

test("a program missing from the bin path and PATH is refused before anything starts, saying how to get it", async (t) => {
  const stackDir = tempStackDir(t);
  const okPort = await freePort();
  const eth = httpComponent("eth", { port: await freePort() });
  eth.run = {
    type: "binary",
    binary: "sh",
    args: ["-c", "geth init --datadir /tmp/x g.json && exec geth --dev"],
    image: "ethereum/client-go:v1.16.7",
    imageCommand: ["sh"],
  };
  const emptyBin = join(stackDir, "empty-bin");
  mkdirSync(emptyBin);
  const supervisor = createSupervisor({
    plan: { ...makePlan([httpComponent("ok", { port: okPort }), eth]), target: "process" },
    stackDir,
    env: { PATH: "/usr/bin:/bin", CRYPTOKUBE_BIN_PATH: emptyBin },
  });
  await assert.rejects(supervisor.start(), (error: unknown) => {
    assert.ok(error instanceof CryptoKubeError);
    assert.equal(error.code, "BINARY_NOT_FOUND");
    assert.equal(
      error.message,
      `eth needs the program 'geth', which is not in ${emptyBin} or on PATH`,
    );
    assert.match(error.hint ?? "", /bash scripts\/fixtures\/build\.sh/);
    assert.match(error.hint ?? "", /--bin-dir/);
    return true;
  });
  assert.equal(existsSync(stateLayout(stackDir).logFile("ok")), false, "ok was started");
});
