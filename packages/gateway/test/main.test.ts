import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { startDevnets } from "./helpers/devnets.ts";
import { rpc } from "./helpers/gateway.ts";

const MAIN = fileURLToPath(new URL("../src/main.ts", import.meta.url));

test("main.ts serves the config given on the command line and exits 0 on SIGTERM", async (t) => {
  const devnets = await startDevnets(t, 1);
  const config = {
    host: "127.0.0.1",
    port: 0,
    maxLag: 3,
    cache: { maxBytes: 1_000_000, finalityDepth: 2 },
    apiKeys: [],
    chains: [
      {
        name: "eth",
        type: "ethereum",
        chainId: 31337,
        upstreams: [{ name: "devnet", http: devnets[0]!.url }],
      },
    ],
  };
  const child = spawn(process.execPath, [MAIN, "--config-json", JSON.stringify(config)], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  t.after(() => child.kill("SIGKILL"));
  const lines = createInterface({ input: child.stdout! });
  let url: string | undefined;
  for await (const line of lines) {
    const record = JSON.parse(line) as { msg: string; url?: string };
    if (record.msg === "gateway listening") {
      url = record.url;
      break;
    }
  }
  assert.ok(url !== undefined);
  assert.equal((await rpc(`${url}/eth`, "eth_chainId")).result, "0x7a69");
  const ready = await fetch(`${url}/readyz`);
  assert.equal(ready.status, 200);
  await ready.body?.cancel();
  const health = (await (await fetch(`${url}/healthz`)).json()) as {
    status: string;
    chains: { eth: { upstreams: { status: string }[] } };
  };
  assert.equal(health.status, "ok");
  assert.equal(health.chains.eth.upstreams[0]?.status, "healthy");
  const metrics = await (await fetch(`${url}/metrics`)).text();
  assert.match(
    metrics,
    /cryptokube_gateway_requests_total\{chain="eth",method="eth_chainId",status="ok",upstream="devnet"\} 1/,
  );
  child.kill("SIGTERM");
  const [code] = await once(child, "exit");
  assert.equal(code, 0);
});

test("main.ts exits 2 with every config problem named by its path", async () => {
  const bad = {
    host: "127.0.0.1",
    port: 99999,
    maxLag: 1,
    cache: { maxBytes: 1, finalityDepth: 0 },
    apiKeys: [{ name: "k", sha256: "xyz" }],
    chains: [{ name: "Eth!", type: "bitcoin", upstreams: [] }],
  };
  const child = spawn(process.execPath, [MAIN, "--config-json", JSON.stringify(bad)], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const [code] = await once(child, "exit");
  assert.equal(code, 2);
  assert.match(stderr, /config\.port: /);
  assert.match(
    stderr,
    /config\.apiKeys\[0\]\.sha256: expected the SHA-256 of the key as 64 hex characters/,
  );
  assert.match(stderr, /config\.chains\[0\]\.name: expected a DNS-safe name/);
  assert.match(stderr, /config\.chains\[0\]\.type: /);
  assert.match(stderr, /config\.chains\[0\]\.upstreams: a chain needs at least one upstream/);

  const usage = spawn(process.execPath, [MAIN], { stdio: ["ignore", "pipe", "pipe"] });
  const [usageCode] = await once(usage, "exit");
  assert.equal(usageCode, 2);

  const missing = spawn(process.execPath, [MAIN, "--config", "/nonexistent/gateway.json"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let missingErr = "";
  missing.stderr!.on("data", (chunk: Buffer) => {
    missingErr += chunk.toString();
  });
  const [missingCode] = await once(missing, "exit");
  assert.equal(missingCode, 2);
  assert.match(missingErr, /ENOENT.*\/nonexistent\/gateway\.json/);
});
