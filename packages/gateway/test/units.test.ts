import assert from "node:assert/strict";
import { test } from "node:test";
import { createMethodAllowList } from "../src/access/method-allow-list.ts";
import { createTokenBucket } from "../src/access/token-bucket.ts";
import { createByteLruCache } from "../src/cache/byte-lru-cache.ts";
import { createInFlightDedup } from "../src/cache/in-flight-dedup.ts";
import { classifyEthereumError } from "../src/chains/ethereum/classify-error.ts";
import { planEthereumRequest } from "../src/chains/ethereum/plan-request.ts";
import { parseGatewayConfig } from "../src/config/parse-config.ts";
import { createConsistentHead } from "../src/routing/consistent-head.ts";
import type { RpcError } from "../src/rpc/errors.ts";
import { exceedsNestingDepth, parseRpcBody } from "../src/rpc/parse-body.ts";
import { validateRequest } from "../src/rpc/validate-request.ts";
import { evaluateHealth } from "../src/upstreams/evaluate-health.ts";
import { selectUpstream } from "../src/upstreams/select-upstream.ts";
import {
  createUpstreamState,
  recordTransportFailure,
  type UpstreamState,
} from "../src/upstreams/upstream-state.ts";

const limits = { maxNestingDepth: 4, maxBatchSize: 3 };
const rpcCode = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as RpcError).rpcCode;
  }
  return undefined;
};

test("body parsing: depth is measured outside strings, batches are bounded", () => {
  assert.equal(exceedsNestingDepth('[[["[[[[[[["]]]', 4), false);
  assert.equal(exceedsNestingDepth("[[[[[]]]]]", 4), true);
  assert.equal(exceedsNestingDepth('["\\"[[[[[["]', 4), false);
  assert.equal(
    rpcCode(() => parseRpcBody("[[[[[1]]]]]", limits)),
    -32005,
  );
  assert.equal(
    rpcCode(() => parseRpcBody("{", limits)),
    -32700,
  );
  assert.equal(
    rpcCode(() => parseRpcBody("[]", limits)),
    -32600,
  );
  assert.equal(
    rpcCode(() => parseRpcBody("[1,2,3,4]", limits)),
    -32005,
  );
  assert.deepEqual(parseRpcBody("[1,2]", limits), { batch: true, items: [1, 2] });
  assert.deepEqual(parseRpcBody('{"a":1}', limits), { batch: false, item: { a: 1 } });
});

test("request validation keeps valid ids and rejects the rest with -32600", () => {
  const ok = validateRequest({ jsonrpc: "2.0", id: "x", method: "eth_chainId" });
  assert.deepEqual(ok, { ok: true, request: { jsonrpc: "2.0", id: "x", method: "eth_chainId" } });
  const notification = validateRequest({ jsonrpc: "2.0", method: "eth_chainId", params: [] });
  assert.ok(notification.ok && notification.request.id === undefined);
  for (const bad of [
    null,
    [],
    5,
    { jsonrpc: "2.0", id: 1 },
    { jsonrpc: "2", id: 1, method: "m" },
    { jsonrpc: "2.0", id: [], method: "m" },
    { jsonrpc: "2.0", id: 1, method: "m", params: "x" },
  ]) {
    const result = validateRequest(bad);
    assert.ok(!result.ok, JSON.stringify(bad));
    assert.equal(result.error.code, -32600);
  }
  const withId = validateRequest({ jsonrpc: "1.0", id: 9, method: "m" });
  assert.ok(!withId.ok && withId.id === 9, "the id is echoed when it is valid");
});

test("byte-budget LRU evicts the least recently used entries", () => {
  const cache = createByteLruCache(600);
  cache.set("a", "x".repeat(50)); // (1+50)*2+64 = 166 bytes
  cache.set("b", "x".repeat(50));
  cache.set("c", "x".repeat(50));
  assert.equal(cache.bytes, 498);
  assert.equal(cache.get("a")?.length, 50); // a is now the most recent
  cache.set("d", "x".repeat(50));
  assert.equal(cache.get("b"), undefined, "b was the least recently used");
  assert.ok(
    cache.get("a") !== undefined && cache.get("c") !== undefined && cache.get("d") !== undefined,
  );
  assert.ok(cache.bytes <= 600);
  cache.set("huge", "x".repeat(1000));
  assert.equal(cache.get("huge"), undefined, "an entry larger than the budget is not stored");
  cache.set("a", "y");
  assert.equal(cache.bytes, 166 * 2 + (1 + 1) * 2 + 64);
});

test("in-flight de-duplication shares one promise per key until it settles", async () => {
  const dedup = createInFlightDedup<number>();
  let started = 0;
  const work = () => {
    started++;
    return new Promise<number>((r) => setTimeout(() => r(started), 5));
  };
  const results = await Promise.all([
    dedup.run("k", work),
    dedup.run("k", work),
    dedup.run("other", work),
  ]);
  assert.equal(started, 2);
  assert.equal(results[0], results[1]);
  assert.equal(dedup.pending, 0);
  await dedup.run("k", work);
  assert.equal(started, 3, "a settled key starts anew");
});

test("token bucket: burst, then the configured rate", () => {
  let now = 0;
  const bucket = createTokenBucket({ rate: 10, burst: 3, now: () => now });
  assert.deepEqual(
    [bucket.take(), bucket.take(), bucket.take(), bucket.take()],
    [true, true, true, false],
  );
  now += 100; // 1 token
  assert.deepEqual([bucket.take(), bucket.take()], [true, false]);
  now += 10_000;
  assert.deepEqual(
    [bucket.take(), bucket.take(), bucket.take(), bucket.take()],
    [true, true, true, false],
  );
});

test("method allow-lists match exact names and prefixes", () => {
  const allows = createMethodAllowList(["eth_getBalance", "net_*"]);
  assert.deepEqual(["eth_getBalance", "net_version", "eth_call", "eth_getBalanceX"].map(allows), [
    true,
    true,
    false,
    false,
  ]);
  assert.equal(createMethodAllowList(undefined)("anything"), true);
});

function upstream(name: string, chainId: string, head: number): UpstreamState {
  const u = createUpstreamState(name, { call: async () => ({ result: null }), close() {} });
  Object.assign(u, { chainId, head, reachable: true });
  return u;
}

test("health: a foreign chain's higher head never makes the others lag; majority decides the chain", () => {
  const list = [
    upstream("a", "0x1", 100),
    upstream("b", "0x1", 99),
    upstream("c", "0x5", 10_000),
    upstream("d", "0x1", 90),
  ];
  const verdict = evaluateHealth(list, { maxLag: 5, expectedChainId: undefined });
  assert.equal(verdict.chainId, "0x1");
  assert.equal(verdict.bestHead, 100);
  assert.deepEqual(
    [...verdict.statuses.values()],
    ["healthy", "healthy", "wrong-chain", "lagging"],
  );
  for (let i = 0; i < 5; i++) recordTransportFailure(list[1]!, "ECONNREFUSED");
  list[1]!.reachable = true;
  assert.equal(
    evaluateHealth(list, { maxLag: 5, expectedChainId: "0x1" }).statuses.get("b"),
    "erroring",
  );
});

test("health: an upstream with the chain id but another genesis block is on another chain", () => {
  const list = [upstream("a", "0x1", 10), upstream("b", "0x1", 500), upstream("c", "0x1", 9)];
  Object.assign(list[0]!, { genesis: "0xaa" });
  Object.assign(list[1]!, { genesis: "0xbb" });
  Object.assign(list[2]!, { genesis: "0xaa" });
  const verdict = evaluateHealth(list, { maxLag: 5, expectedChainId: "0x1" });
  assert.equal(verdict.genesis, "0xaa");
  assert.equal(verdict.bestHead, 10, "the other chain's higher head does not count");
  assert.deepEqual([...verdict.statuses.values()], ["healthy", "wrong-chain", "healthy"]);
  // One against one: a tie keeps the chain adopted before, whatever the config order.
  const pair = [list[1]!, list[0]!];
  pair[0]!.head = 10;
  assert.equal(
    evaluateHealth(pair, { maxLag: 5, expectedChainId: "0x1", previousGenesis: "0xaa" }).genesis,
    "0xaa",
  );
  // A node that cannot name its genesis is judged by its chain id alone.
  list[1]!.genesis = undefined;
  list[1]!.head = 10;
  assert.equal(
    evaluateHealth(list, { maxLag: 5, expectedChainId: "0x1" }).statuses.get("b"),
    "healthy",
  );
});

test("consistent head: lowest head in rotation, never backwards", () => {
  const head = createConsistentHead();
  assert.equal(head.advance([]), false);
  assert.equal(head.advance([10, 8, 9]), true);
  assert.equal(head.value, 8);
  assert.equal(head.advance([7, 12]), false, "a lower head never moves it back");
  assert.equal(head.value, 8);
  assert.equal(head.advance([12, 11]), true);
  assert.equal(head.value, 11);
  head.reset();
  assert.equal(head.advance([2]), true);
  assert.equal(head.value, 2);
});

test("upstream selection prefers low latency times load, with spread", () => {
  const fast = Object.assign(upstream("fast", "0x1", 1), { latencyMs: 1 });
  const slow = Object.assign(upstream("slow", "0x1", 1), { latencyMs: 10 });
  const picks = new Map<string, number>();
  let seed = 1;
  const random = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
  for (let i = 0; i < 1000; i++) {
    const pick = selectUpstream([fast, slow], random)!.name;
    picks.set(pick, (picks.get(pick) ?? 0) + 1);
  }
  assert.ok((picks.get("fast") ?? 0) > 900);
  assert.ok((picks.get("slow") ?? 0) > 0, "the slow upstream still gets some traffic");
  fast.inflight = 20;
  assert.equal(
    selectUpstream([fast, slow], () => 0.5),
    slow,
    "a loaded upstream loses to an idle one",
  );
});

test("Ethereum planning pins latest to the gateway head and caches only what is final", () => {
  const view = { head: 100, finalized: 90 };
  const plan = (method: string, params: unknown[]) => planEthereumRequest(method, params, view);
  assert.deepEqual(plan("eth_blockNumber", []), { kind: "local", result: "0x64" });
  const latest = plan("eth_getBlockByNumber", ["latest", false]);
  assert.ok(latest.kind === "forward");
  assert.deepEqual(latest.params, ["0x64", false]);
  assert.equal(latest.minBlock, 100);
  assert.equal(latest.cache, "never");
  const appended = plan("eth_call", [{ to: "0x0000000000000000000000000000000000000001" }]);
  assert.ok(appended.kind === "forward");
  assert.deepEqual(appended.params, [{ to: "0x0000000000000000000000000000000000000001" }, "0x64"]);
  const old = plan("eth_getBalance", ["0x0000000000000000000000000000000000000001", "0x5a"]);
  assert.ok(old.kind === "forward" && old.cache === "always" && old.minBlock === 90);
  const recent = plan("eth_getBalance", ["0x0000000000000000000000000000000000000001", "0x5b"]);
  assert.ok(recent.kind === "forward" && recent.cache === "never");
  const pending = plan("eth_getTransactionCount", [
    "0x0000000000000000000000000000000000000001",
    "pending",
  ]);
  assert.ok(
    pending.kind === "forward" &&
      pending.cache === "never" &&
      (pending.params as unknown[])[1] === "pending",
  );
  const overridden = plan("eth_call", [{}, "0x1", { "0x01": {} }]);
  assert.ok(
    overridden.kind === "forward" && overridden.cache === "never",
    "state overrides are never cached",
  );
  const receipt = plan("eth_getTransactionReceipt", ["0xab"]);
  assert.ok(receipt.kind === "forward" && typeof receipt.cache === "function");
  assert.equal(receipt.cache({ blockNumber: "0x5a" }), true);
  assert.equal(receipt.cache({ blockNumber: "0x5b" }), false);
  assert.equal(receipt.visibleAt?.({ blockNumber: "0x65" }), 101);
  assert.equal(
    rpcCode(() => plan("eth_getBlockByNumber", ["soon", false])),
    -32602,
  );
  assert.equal(
    rpcCode(() => plan("eth_sendRawTransaction", ["0x1"])),
    -32602,
  );
  assert.equal(
    rpcCode(() => plan("eth_getLogs", [{ fromBlock: "0x9", toBlock: "0x1" }])),
    -32602,
  );
  assert.deepEqual(plan("eth_getLogs", [{ fromBlock: "0x65" }]), { kind: "local", result: [] });
});

test("node errors meaning 'not here' are retried elsewhere, the rest are final", () => {
  assert.equal(
    classifyEthereumError({ code: -32000, message: "missing trie node abc" }),
    "retry-elsewhere",
  );
  assert.equal(
    classifyEthereumError({ code: -32000, message: "header not found" }),
    "retry-elsewhere",
  );
  assert.equal(classifyEthereumError({ code: -32005, message: "limit" }), "retry-elsewhere");
  assert.equal(classifyEthereumError({ code: 3, message: "execution reverted" }), "final");
  assert.equal(classifyEthereumError({ code: -32000, message: "nonce too low" }), "final");
  assert.equal(classifyEthereumError({ code: -32602, message: "invalid argument 0" }), "final");
});

test("config validation names every problem by its path", () => {
  assert.throws(
    () =>
      parseGatewayConfig({
        host: "127.0.0.1",
        port: 0,
        maxLag: -1,
        cache: { maxBytes: 0, finalityDepth: 0 },
        apiKeys: [],
        chains: [
          {
            name: "eth",
            type: "ethereum",
            upstreams: [
              { name: "a", http: "ftp://x" },
              { name: "a", http: "http://y" },
            ],
          },
        ],
        extra: true,
      }),
    (error: Error) => {
      assert.match(error.message, /config\.maxLag: /);
      assert.match(
        error.message,
        /config\.chains\[0\]\.upstreams\[0\]\.http: expected an http\(s\) URL/,
      );
      assert.match(error.message, /config\.chains\[0\]\.upstreams\[1\]: duplicate upstream "a"/);
      assert.match(error.message, /extra/);
      return true;
    },
  );
  const parsed = parseGatewayConfig({
    host: "127.0.0.1",
    port: 0,
    maxLag: 3,
    cache: { maxBytes: 10, finalityDepth: 2 },
    apiKeys: [],
    chains: [
      { name: "eth", type: "ethereum", upstreams: [{ name: "a", http: "http://127.0.0.1:8545" }] },
    ],
  });
  assert.equal(
    parsed.limits.probeIntervalMs,
    250,
    "limits default when the planner leaves them out",
  );
});
