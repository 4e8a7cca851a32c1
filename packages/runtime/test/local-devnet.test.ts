/** The supervisor with the real embedded devnet (EDR) as a component, not a fixture. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import type { Component } from "@cryptokube/plan/types";
import { callJsonRpc, createSupervisor, type LogLine } from "@cryptokube/runtime";
import {
  freePort,
  httpComponent,
  httpGet,
  makePlan,
  teardown,
  tempStackDir,
  waitFor,
} from "./fixtures/local-stack.ts";

const DEVNET = "@cryptokube/runtime/devnet/main";

function devnetComponent(port: number): Component {
  const eth = httpComponent("eth", { port, volumes: ["data"] });
  eth.kind = "chain";
  eth.run = {
    type: "node",
    module: DEVNET,
    args: [
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
      "--chain-id",
      "31337",
      "--state-dir",
      "{{volume:data}}",
    ],
  };
  eth.endpoints = [
    { name: "rpc", port, protocol: "http", url: `http://127.0.0.1:${port}`, public: false },
  ];
  eth.health.readiness = [
    { type: "chain-synced", endpoint: "rpc", chain: "ethereum" },
    { type: "chain-head", endpoint: "rpc", chain: "ethereum", maxLag: 0 },
  ];
  return eth;
}

test("real devnet: gated on chain-aware checks, restarted after kill -9 while the app keeps serving", async (t) => {
  const stackDir = tempStackDir(t);
  const [rpcPort, appPort] = [await freePort(), await freePort()];
  const lines: LogLine[] = [];
  const supervisor = createSupervisor({
    plan: makePlan([
      devnetComponent(rpcPort),
      httpComponent("app", { port: appPort, dependsOn: ["eth"] }),
    ]),
    stackDir,
    onLog: (line) => lines.push(line),
  });
  teardown(t, () => supervisor.stop());
  await supervisor.start();
  const rpc = `http://127.0.0.1:${rpcPort}`;
  assert.equal(await callJsonRpc(rpc, "eth_chainId", [], 2000), "0x7a69");
  assert.ok(lines.some((line) => line.source === "eth" && line.text.startsWith("Mnemonic: ")));

  const ethPid = supervisor.status()[0]?.pid ?? 0;
  // Started from its single-file bundle (bundle-cache.ts), not from the sources.
  const argv = readFileSync(`/proc/${ethPid}/cmdline`, "utf8").split("\0");
  assert.ok(
    argv.some((arg) => /\/\.cache\/cryptokube\/bundles\/devnet-main-[0-9a-f]{16}\.mjs$/.test(arg)),
    argv.join(" "),
  );
  process.kill(ethPid, "SIGKILL");
  await waitFor(
    () => lines.some((line) => line.text === "eth exited (signal SIGKILL); restarting in 250ms"),
    2000,
    "restart event",
  );
  assert.equal((await httpGet(`http://127.0.0.1:${appPort}/health`)).status, 200);
  await waitFor(() => supervisor.status()[0]?.state === "ready", 10_000, "eth ready again");
  assert.notEqual(supervisor.status()[0]?.pid, ethPid);
  assert.equal(await callJsonRpc(rpc, "eth_chainId", [], 2000), "0x7a69");
});
