import assert from "node:assert/strict";
import { once } from "node:events";
import { test } from "node:test";
import { createPublicClient, createWalletClient, defineChain, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import WebSocket from "ws";
import { storeAbi, storeBytecode } from "../../runtime/test/fixtures/store-contract.ts";
import { blockNumber, mineInLockstep, startDevnets } from "./helpers/devnets.ts";
import { metricValue, postRaw, rpc, startGateway } from "./helpers/gateway.ts";

const chain = defineChain({
  id: 31337,
  name: "devnet",
  nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
  rpcUrls: { default: { http: [] } },
});

test("immutable answers are cached, moving ones never; identical requests in flight are shared", async (t) => {
  const devnets = await startDevnets(t, 1);
  await mineInLockstep(devnets, 10);
  const { gateway, rpcUrl } = await startGateway(t, devnets, {
    cache: { maxBytes: 1_000_000, finalityDepth: 2 },
  });
  const upstreamCalls = async () =>
    metricValue(await gateway.metricsText(), "cryptokube_gateway_upstream_requests_total", {
      upstream: "node0",
    });
  const hits = async () =>
    metricValue(await gateway.metricsText(), "cryptokube_gateway_cache_hits_total");

  /** How many upstream calls `count` identical requests cost. */
  const cost = async (method: string, params: unknown[], count = 2) => {
    const before = await upstreamCalls();
    for (let i = 0; i < count; i++) await rpc(rpcUrl, method, params);
    return (await upstreamCalls()) - before;
  };

  assert.equal(await cost("eth_getBlockByNumber", ["0x3", false]), 1, "finalized block: cached");
  assert.equal(
    await cost("eth_getBlockByNumber", ["0x8", true]),
    1,
    "block at the finality depth: cached",
  );
  assert.equal(
    await cost("eth_getBlockByNumber", ["0x9", false]),
    2,
    "block above finalized: not cached",
  );
  assert.equal(await cost("eth_getBlockByNumber", ["latest", false]), 2, "latest: not cached");
  assert.equal(await cost("eth_getBlockByNumber", ["pending", false]), 2, "pending: not cached");
  assert.equal(
    await cost("eth_getBlockByNumber", ["0x99", false]),
    2,
    "beyond the head (null): not cached",
  );
  assert.equal(await cost("eth_getBalance", ["0x12", "0x1"]), 2, "errors: not cached");
  const hash = (
    (await rpc(rpcUrl, "eth_getBlockByNumber", ["0x9", false])).result as { hash: string }
  ).hash;
  assert.equal(await cost("eth_getBlockByHash", [hash, false]), 1, "by hash: cached");
  assert.equal(await cost("eth_chainId", []), 1, "chain id: cached");
  assert.equal(
    await cost("eth_getBalance", [devnets[0]!.accounts[0]!.address, "0x2"]),
    1,
    "state at a finalized block: cached",
  );
  assert.equal(
    await cost("eth_blockNumber", []),
    0,
    "block number: answered from the gateway head",
  );
  assert.equal(await hits(), 5);

  // A batch of identical requests costs one upstream call (in-flight de-duplication).
  const before = await upstreamCalls();
  const batch = Array.from({ length: 20 }, (_, id) => ({
    jsonrpc: "2.0",
    id,
    method: "eth_getBlockByNumber",
    params: ["latest", true],
  }));
  const reply = await postRaw(rpcUrl, JSON.stringify(batch));
  const answers = reply.body as { id: number; result: { number: string } }[];
  assert.equal(answers.length, 20);
  assert.deepEqual(
    answers.map((a) => a.id),
    batch.map((b) => b.id),
    "answers keep their ids and order",
  );
  assert.equal(new Set(answers.map((a) => a.result.number)).size, 1);
  assert.equal((await upstreamCalls()) - before, 1);
});

test("a cached answer is the node's answer over HTTP, over WebSocket (a text frame) and in a batch, non-ASCII included", async (t) => {
  const devnets = await startDevnets(t, 1);
  // A node's JSON is ASCII; what is not is the client's id, written around the cached bytes.
  await mineInLockstep(devnets, 6);
  const { gateway, url, rpcUrl } = await startGateway(t, devnets, {
    cache: { maxBytes: 1_000_000, finalityDepth: 2 },
  });
  const direct = await devnets[0]!.request("eth_getBlockByNumber", ["0x2", true]);
  const hits = async () =>
    metricValue(await gateway.metricsText(), "cryptokube_gateway_cache_hits_total");
  assert.deepEqual((await rpc(rpcUrl, "eth_getBlockByNumber", ["0x2", true])).result, direct);
  const hitsBefore = await hits();
  const id = "ïd-✓";
  const http = await postRaw(
    rpcUrl,
    JSON.stringify({ jsonrpc: "2.0", id, method: "eth_getBlockByNumber", params: ["0x2", true] }),
  );
  assert.deepEqual(http.body, { jsonrpc: "2.0", id, result: direct });
  const batch = await postRaw(
    rpcUrl,
    JSON.stringify([
      { jsonrpc: "2.0", id: 1, method: "eth_getBlockByNumber", params: ["0x2", true] },
      { jsonrpc: "2.0", id: 2, method: "eth_chainId", params: [] },
    ]),
  );
  assert.deepEqual(batch.body, [
    { jsonrpc: "2.0", id: 1, result: direct },
    { jsonrpc: "2.0", id: 2, result: "0x7a69" },
  ]);
  const ws = new WebSocket(`${url.replace("http", "ws")}/eth`);
  t.after(() => ws.terminate());
  await once(ws, "open");
  ws.send(
    JSON.stringify({ jsonrpc: "2.0", id, method: "eth_getBlockByNumber", params: ["0x2", true] }),
  );
  const [data, isBinary] = (await once(ws, "message")) as [Buffer, boolean];
  assert.equal(isBinary, false, "a text frame");
  assert.deepEqual(JSON.parse(data.toString("utf8")), { jsonrpc: "2.0", id, result: direct });
  assert.equal((await hits()) - hitsBefore, 3, "all three were served from the cache");
});

test("the cache stays within its byte budget", async (t) => {
  const devnets = await startDevnets(t, 1);
  await mineInLockstep(devnets, 40);
  const maxBytes = 20_000;
  const { gateway, rpcUrl } = await startGateway(t, devnets, {
    cache: { maxBytes, finalityDepth: 0 },
  });
  for (let n = 0; n <= 40; n++)
    await rpc(rpcUrl, "eth_getBlockByNumber", [`0x${n.toString(16)}`, false]);
  const metrics = await gateway.metricsText();
  const bytes = metricValue(metrics, "cryptokube_gateway_cache_bytes");
  const entries = metricValue(metrics, "cryptokube_gateway_cache_entries");
  assert.ok(bytes > 0 && bytes <= maxBytes, `${bytes} bytes cached`);
  assert.ok(entries > 3 && entries < 41, `${entries} entries: the oldest were evicted`);
  // The most recent block is still cached, the first one was evicted.
  const calls = () => metricValue(metrics, "cryptokube_gateway_upstream_requests_total");
  const start = calls();
  await rpc(rpcUrl, "eth_getBlockByNumber", ["0x28", false]);
  assert.equal(
    metricValue(await gateway.metricsText(), "cryptokube_gateway_upstream_requests_total"),
    start,
  );
  await rpc(rpcUrl, "eth_getBlockByNumber", ["0x0", false]);
  assert.equal(
    metricValue(await gateway.metricsText(), "cryptokube_gateway_upstream_requests_total"),
    start + 1,
  );
});

test("eth_getLogs over a wide range is split, merged in order, and limited with clear errors", async (t) => {
  const devnets = await startDevnets(t, 1);
  const devnet = devnets[0]!;
  const account = privateKeyToAccount(devnet.accounts[0]!.privateKey);
  const wallet = createWalletClient({ chain, transport: http(devnet.url), account });
  const direct = createPublicClient({ chain, transport: http(devnet.url) });
  const deployed = await direct.waitForTransactionReceipt({
    hash: await wallet.deployContract({ abi: storeAbi, bytecode: storeBytecode, args: [0n] }),
  });
  const address = deployed.contractAddress!;
  for (let v = 1n; v <= 6n; v++) {
    await wallet.writeContract({ address, abi: storeAbi, functionName: "set", args: [v] });
    await mineInLockstep(devnets, 2); // spread the logs over many blocks
  }
  const head = await blockNumber(devnet);
  const { gateway, rpcUrl } = await startGateway(t, devnets, {
    cache: { maxBytes: 1_000_000, finalityDepth: 1 },
    limits: { logsChunkBlocks: 2, logsMaxRange: 100, logsMaxResults: 5 },
  });
  const filter = { address, fromBlock: "0x0", toBlock: `0x${head.toString(16)}` };

  const wanted = await devnet.request("eth_getLogs", [
    { ...filter, toBlock: `0x${head.toString(16)}` },
  ]);
  // 4 logs across several chunks: identical to the node's answer, in order.
  const fourth = (wanted as { blockNumber: string }[])[3]!.blockNumber;
  const calls = async () =>
    metricValue(await gateway.metricsText(), "cryptokube_gateway_upstream_requests_total");
  const before = await calls();
  const split = await rpc(rpcUrl, "eth_getLogs", [{ ...filter, toBlock: fourth }]);
  assert.deepEqual(split.result, (wanted as unknown[]).slice(0, 4));
  const chunks = Math.ceil((Number(fourth) + 1) / 2);
  assert.equal((await calls()) - before, chunks, `split into ${chunks} chunks of 2 blocks`);
  // 6 logs > logsMaxResults 5: refused with a clear message.
  const tooMany = await rpc(rpcUrl, "eth_getLogs", [filter]);
  assert.equal(tooMany.error?.code, -32005);
  assert.match(tooMany.error?.message ?? "", /more than 5 logs/);

  // "latest" as the end resolves to the gateway head.
  const topics = await rpc(rpcUrl, "eth_getLogs", [
    { address, fromBlock: fourth, toBlock: "latest" },
  ]);
  assert.deepEqual(topics.result, (wanted as unknown[]).slice(3));

  const pastHead = await rpc(rpcUrl, "eth_getLogs", [
    { address, fromBlock: fourth, toBlock: "0x1000" },
  ]);
  assert.deepEqual(
    pastHead.result,
    (wanted as unknown[]).slice(3),
    "a range past the head is clamped to it",
  );
  await mineInLockstep(devnets, 200);
  await new Promise((r) => setTimeout(r, 300));
  const overRange = await rpc(rpcUrl, "eth_getLogs", [
    { address, fromBlock: "0x0", toBlock: "latest" },
  ]);
  assert.equal(overRange.error?.code, -32005);
  assert.match(
    overRange.error?.message ?? "",
    /range of \d+ blocks exceeds the gateway limit of 100/,
  );
});
