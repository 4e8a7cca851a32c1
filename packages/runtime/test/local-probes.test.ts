import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { test } from "node:test";
import type { HealthProbe } from "@cryptokube/plan/types";
import { runProbe } from "@cryptokube/runtime";
import {
  freePort,
  HTTP_FIXTURE,
  httpComponent,
  httpGet,
  RPC_FIXTURE,
  teardown,
  tempStackDir,
  waitFor,
} from "./fixtures/local-stack.ts";

async function startFixture(
  t: Parameters<typeof teardown>[0],
  file: string,
  args: string[],
): Promise<number> {
  const port = await freePort();
  const child = spawn(process.execPath, [file, "--port", String(port), ...args], {
    stdio: "ignore",
  });
  teardown(t, () => child.kill("SIGKILL"));
  await waitFor(
    async () =>
      (await httpGet(`http://127.0.0.1:${port}/health`).catch(() => undefined)) !== undefined,
    3000,
    "fixture",
  );
  return port;
}

function probe(port: number, stackDir: string, health: HealthProbe, memory = {}) {
  const component = httpComponent("node", { port });
  component.endpoints.push({
    name: "ws",
    port,
    protocol: "ws",
    url: `ws://127.0.0.1:${port}`,
    public: false,
  });
  return runProbe(health, { component, stackDir, timeoutMs: 500 }, memory);
}

test("http, tcp and exec probes", async (t) => {
  const stackDir = tempStackDir(t);
  const up = await startFixture(t, HTTP_FIXTURE, ["--ready-after", "60000"]);
  const down = await freePort();
  assert.deepEqual(await probe(up, stackDir, { type: "http", endpoint: "http", path: "/" }), {
    ok: true,
    detail: `GET http://127.0.0.1:${up}/ answered 200`,
  });
  assert.equal(
    (await probe(up, stackDir, { type: "http", endpoint: "http", path: "/health" })).ok,
    false,
  );
  assert.equal(
    (
      await probe(up, stackDir, {
        type: "http",
        endpoint: "http",
        path: "/health",
        expectStatus: 503,
      })
    ).ok,
    true,
  );
  assert.equal(
    (await probe(down, stackDir, { type: "http", endpoint: "http", path: "/" })).detail,
    "connection refused",
  );
  assert.equal((await probe(up, stackDir, { type: "tcp", endpoint: "http" })).ok, true);
  assert.deepEqual(await probe(down, stackDir, { type: "tcp", endpoint: "http" }), {
    ok: false,
    detail: `tcp 127.0.0.1:${down}: connection refused`,
  });
  assert.equal((await probe(up, stackDir, { type: "exec", command: ["true"] })).ok, true);
  assert.equal((await probe(up, stackDir, { type: "exec", command: ["false"] })).ok, false);
  assert.match(
    (await probe(up, stackDir, { type: "tcp", endpoint: "nope" })).detail,
    /names endpoint 'nope'/,
  );
});

test("json-rpc and chain-aware probes: synced, head within maxLag, head advancing", async (t) => {
  const stackDir = tempStackDir(t);
  const tip = await startFixture(t, RPC_FIXTURE, ["--head", "100"]);
  const syncing = await startFixture(t, RPC_FIXTURE, ["--head", "100", "--syncing-to", "150"]);
  const moving = await startFixture(t, RPC_FIXTURE, ["--head", "1", "--advance-ms", "50"]);

  assert.equal(
    (await probe(tip, stackDir, { type: "jsonrpc", endpoint: "http", method: "eth_chainId" })).ok,
    true,
  );
  assert.match(
    (await probe(tip, stackDir, { type: "jsonrpc", endpoint: "http", method: "eth_nothing" }))
      .detail,
    /eth_nothing failed: no method eth_nothing/,
  );
  // JSON-RPC over the WebSocket endpoint's URL is probed with HTTP on the same port.
  assert.equal(
    (await probe(tip, stackDir, { type: "jsonrpc", endpoint: "ws", method: "eth_chainId" })).ok,
    true,
  );

  assert.equal(
    (await probe(tip, stackDir, { type: "chain-synced", endpoint: "http", chain: "ethereum" })).ok,
    true,
  );
  assert.deepEqual(
    await probe(syncing, stackDir, { type: "chain-synced", endpoint: "http", chain: "ethereum" }),
    {
      ok: false,
      detail: "still syncing",
    },
  );

  const head = (port: number, maxLag: number, memory = {}) =>
    probe(
      port,
      stackDir,
      { type: "chain-head", endpoint: "http", chain: "ethereum", maxLag },
      memory,
    );
  assert.deepEqual(await head(tip, 2), { ok: true, detail: "head 100" });
  assert.deepEqual(await head(syncing, 10), {
    ok: false,
    detail: "head 100 is 50 blocks behind 150 (max 10)",
  });
  assert.equal((await head(syncing, 50)).ok, true);
  const memory = {};
  await head(moving, 0, memory);
  await new Promise((resolve) => setTimeout(resolve, 120));
  assert.match((await head(moving, 0, memory)).detail, /^head \d+ \(advancing\)$/);
  // A head that falls back further than maxLag behind what was seen is not ready.
  assert.deepEqual(await head(tip, 3, { bestHead: 200 }), {
    ok: false,
    detail: "head 100 is 100 blocks behind 200 (max 3)",
  });
});
