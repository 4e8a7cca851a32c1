import assert from "node:assert/strict";
import { test } from "node:test";
import WebSocket from "ws";
import { hashApiKey } from "../src/index.ts";
import { startDevnets } from "./helpers/devnets.ts";
import { metricValue, rpc, startGateway } from "./helpers/gateway.ts";

const LIMITED_KEY = "limited-key-1f6c0a";
const OTHER_KEY = "other-key-93bd21";

test("API keys: refused without a key, per-key rate limits and method allow-lists", async (t) => {
  const devnets = await startDevnets(t, 1);
  const { gateway, rpcUrl, url } = await startGateway(t, devnets, {
    apiKeys: [
      { name: "limited", sha256: hashApiKey(LIMITED_KEY), rateLimit: { rps: 5, burst: 5 } },
      { name: "reader", sha256: hashApiKey(OTHER_KEY), methods: ["eth_blockNumber", "eth_get*"] },
    ],
    cors: { origins: ["http://app.localhost"] },
  });

  // No key, a wrong key: refused.
  const none = await rpc(rpcUrl, "eth_blockNumber");
  assert.equal(none.status, 401);
  assert.match(none.error?.message ?? "", /API key/);
  assert.equal((await rpc(`${rpcUrl}/not-a-key`, "eth_blockNumber")).status, 401);
  assert.equal((await rpc(rpcUrl, "eth_blockNumber", [], { "x-api-key": "nope" })).status, 401);

  // Key in the path or in the header.
  assert.equal((await rpc(`${rpcUrl}/${OTHER_KEY}`, "eth_blockNumber")).result, "0x0");
  assert.equal(
    (await rpc(rpcUrl, "eth_blockNumber", [], { "x-api-key": OTHER_KEY })).result,
    "0x0",
  );

  // The allow-list: eth_get* allowed, eth_chainId not.
  const allowed = await rpc(
    rpcUrl,
    "eth_getBalance",
    [devnets[0]!.accounts[0]!.address, "latest"],
    { "x-api-key": OTHER_KEY },
  );
  assert.equal(allowed.error, undefined);
  const denied = await rpc(rpcUrl, "eth_chainId", [], { "x-api-key": OTHER_KEY });
  assert.equal(denied.error?.code, -32601);
  assert.match(denied.error?.message ?? "", /not allowed for API key "reader"/);

  // The limited key runs out (burst 5 at 5/s) while the other key is unaffected.
  const limited: { status: number; code: number | undefined }[] = [];
  const other: (string | undefined)[] = [];
  for (let i = 0; i < 20; i++) {
    const a = await rpc(`${rpcUrl}/${LIMITED_KEY}`, "eth_chainId");
    limited.push({ status: a.status, code: a.error?.code });
    const b = await rpc(rpcUrl, "eth_blockNumber", [], { "x-api-key": OTHER_KEY });
    other.push(b.error === undefined ? "ok" : b.error.message);
  }
  const rejected = limited.filter((r) => r.code === -32005);
  assert.ok(rejected.length >= 10, `only ${rejected.length} of 20 rate limited`);
  assert.ok(rejected.every((r) => r.status === 429));
  assert.ok(
    limited.slice(0, 5).every((r) => r.code === undefined),
    "the burst is honoured",
  );
  assert.deepEqual(new Set(other), new Set(["ok"]));
  const metrics = await gateway.metricsText();
  assert.equal(
    metricValue(metrics, "cryptokube_gateway_rate_limit_rejections_total", { key: "limited" }),
    rejected.length,
  );
  assert.ok(
    !metrics.includes(LIMITED_KEY) && !metrics.includes(OTHER_KEY),
    "keys never appear in metrics",
  );

  // CORS: the configured origin gets headers, another origin does not.
  const preflight = await fetch(rpcUrl, {
    method: "OPTIONS",
    headers: { origin: "http://app.localhost", "access-control-request-method": "POST" },
  });
  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers.get("access-control-allow-origin"), "http://app.localhost");
  assert.match(preflight.headers.get("access-control-allow-headers") ?? "", /x-api-key/);
  const foreign = await fetch(rpcUrl, {
    method: "OPTIONS",
    headers: { origin: "http://evil.localhost" },
  });
  assert.equal(foreign.headers.get("access-control-allow-origin"), null);

  // WebSocket upgrades need a key too.
  const wsBase = url.replace("http", "ws");
  const refused = await new Promise<number>((resolve) => {
    const ws = new WebSocket(`${wsBase}/eth`);
    ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
    ws.on("open", () => resolve(101));
    ws.on("error", () => {});
  });
  assert.equal(refused, 401);
  const opened = new WebSocket(`${wsBase}/eth/${OTHER_KEY}`);
  t.after(() => opened.terminate());
  await new Promise((resolve, reject) => {
    opened.once("open", resolve);
    opened.once("error", reject);
  });
  opened.send(JSON.stringify({ jsonrpc: "2.0", id: 7, method: "eth_blockNumber" }));
  const message = await new Promise<Buffer>((resolve) =>
    opened.once("message", (raw: Buffer) => resolve(raw)),
  );
  assert.deepEqual(JSON.parse(message.toString()), { jsonrpc: "2.0", id: 7, result: "0x0" });
});

test("without configured keys no key is needed", async (t) => {
  const devnets = await startDevnets(t, 1);
  const { rpcUrl } = await startGateway(t, devnets);
  const reply = await rpc(rpcUrl, "eth_chainId");
  assert.equal(reply.status, 200);
  assert.equal(reply.result, "0x7a69");
});
