/**
 * Polling filters (eth_newFilter, eth_newBlockFilter, eth_getFilterChanges…) served by the
 * gateway from its head feed, against real EDR devnets: viem's filter actions, failover,
 * reorgs, per-key isolation and the bounds on count, idle time and unread changes.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Devnet } from "@cryptokube/runtime/devnet";
import {
  createPublicClient,
  createWalletClient,
  decodeEventLog,
  defineChain,
  getContractAddress,
  type Hex,
  http,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import WebSocket from "ws";
import { storeAbi, storeBytecode } from "../../runtime/test/fixtures/store-contract.ts";
import { hashApiKey } from "../src/index.ts";
import { blockNumber, mineInLockstep, startDevnets } from "./helpers/devnets.ts";
import { metricValue, rpc, startGateway, waitFor } from "./helpers/gateway.ts";

const devChain = defineChain({
  id: 31337,
  name: "devnet",
  nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
  rpcUrls: { default: { http: [] } },
});

interface Log {
  blockNumber: Hex;
  blockHash: Hex;
  transactionHash: Hex;
  data: Hex;
  topics: Hex[];
  removed?: boolean;
}

/** Deploys the Store contract on a devnet; returns a wallet (talking to `rpcUrl`) and its address. */
async function deployStore(devnet: Devnet, rpcUrl = devnet.url) {
  const account = privateKeyToAccount(devnet.accounts[0]!.privateKey);
  const wallet = createWalletClient({ account, chain: devChain, transport: http(rpcUrl) });
  await wallet.deployContract({ abi: storeAbi, bytecode: storeBytecode, args: [0n] });
  const address = getContractAddress({ from: account.address, nonce: 0n });
  const set = (value: bigint) =>
    wallet.writeContract({ address, abi: storeAbi, functionName: "set", args: [value] });
  return { address, set };
}

/** Polls a filter until `done` holds for everything it returned so far. */
async function collect<T>(
  url: string,
  id: string,
  done: (changes: T[]) => boolean,
  what: string,
  headers: Record<string, string> = {},
): Promise<T[]> {
  const changes: T[] = [];
  await waitFor(
    async () => {
      const reply = await rpc(url, "eth_getFilterChanges", [id], headers);
      if (reply.error !== undefined) throw new Error(`poll failed: ${reply.error.message}`);
      changes.push(...(reply.result as T[]));
      return done(changes);
    },
    5_000,
    what,
  );
  return changes;
}

const storedValue = (log: Log) =>
  (
    decodeEventLog({ abi: storeAbi, data: log.data, topics: log.topics as [Hex] }).args as {
      value: bigint;
    }
  ).value;

test("viem's filter actions work through the gateway: block and event filters, filter logs, uninstall", async (t) => {
  const [devnet] = await startDevnets(t, 1);
  const { gateway, rpcUrl } = await startGateway(t, [devnet!]);
  const { address, set } = await deployStore(devnet!, rpcUrl);
  const client = createPublicClient({
    chain: devChain,
    transport: http(rpcUrl, { retryCount: 0 }),
    pollingInterval: 50,
  });
  await waitFor(async () => (await client.getBlockNumber()) === 1n, 2_000, "the deploy block");

  const blockFilter = await client.createBlockFilter();
  const eventFilter = await client.createContractEventFilter({
    abi: storeAbi,
    address,
    eventName: "ValueChanged",
    // As on geth, getFilterLogs covers fromBlock..toBlock, "latest" for both when unset.
    fromBlock: 1n,
  });
  assert.equal(
    metricValue(await gateway.metricsText(), "cryptokube_gateway_filters", { chain: "eth" }),
    2,
  );
  const first = await set(7n);
  const second = await set(8n);

  // Block filter: the hashes of exactly the blocks mined since it was installed, in order.
  const hashes: Hex[] = [];
  await waitFor(
    async () => {
      hashes.push(...(await client.getFilterChanges({ filter: blockFilter })));
      return hashes.length >= 2;
    },
    5_000,
    "two new block hashes",
  );
  const expected = await Promise.all([2n, 3n].map((n) => client.getBlock({ blockNumber: n })));
  assert.deepEqual(
    hashes,
    expected.map((b) => b.hash),
  );

  // Event filter: both logs, decoded by viem, once each.
  const events: Array<{ args: { value?: bigint | undefined }; transactionHash: Hex }> = [];
  await waitFor(
    async () => {
      events.push(...(await client.getFilterChanges({ filter: eventFilter })));
      return events.length >= 2;
    },
    5_000,
    "two events",
  );
  assert.deepEqual(
    events.map((e) => [e.transactionHash, e.args.value]),
    [
      [first, 7n],
      [second, 8n],
    ],
  );
  assert.deepEqual(await client.getFilterChanges({ filter: eventFilter }), [], "nothing twice");

  // All logs of the filter, through eth_getLogs' own path.
  const all = await client.getFilterLogs({ filter: eventFilter });
  assert.deepEqual(
    all.map((e) => e.args.value),
    [7n, 8n],
  );

  assert.equal(await client.uninstallFilter({ filter: blockFilter }), true);
  assert.equal(await client.uninstallFilter({ filter: blockFilter }), false);
  const gone = await rpc(rpcUrl, "eth_getFilterChanges", [blockFilter.id]);
  assert.equal(gone.error?.code, -32000);
  assert.equal(gone.error?.message, "filter not found");
  assert.equal(
    metricValue(await gateway.metricsText(), "cryptokube_gateway_filters", { chain: "eth" }),
    1,
  );
});

test("a block filter survives its upstreams dying: every head once, in order", async (t) => {
  const devnets = await startDevnets(t, 2);
  const { rpcUrl } = await startGateway(t, devnets, { maxLag: 5 });
  await mineInLockstep(devnets, 1);
  await waitFor(
    async () => (await rpc(rpcUrl, "eth_blockNumber")).result === "0x1",
    2_000,
    "the gateway head",
  );
  const installed = await rpc(rpcUrl, "eth_newBlockFilter");
  const id = installed.result as string;
  assert.match(id, /^0x[0-9a-f]{32}$/);

  await mineInLockstep(devnets, 2);
  const before = await collect<Hex>(rpcUrl, id, (c) => c.length >= 2, "heads 2 and 3");
  await devnets[0]!.close();
  await mineInLockstep([devnets[1]!], 2);
  const after = await collect<Hex>(rpcUrl, id, (c) => c.length >= 2, "heads 4 and 5");

  const head = await blockNumber(devnets[1]!);
  assert.equal(head, 5);
  const canonical = await Promise.all(
    [2, 3, 4, 5].map(
      async (n) =>
        (
          (await devnets[1]!.request("eth_getBlockByNumber", [`0x${n.toString(16)}`, false])) as {
            hash: Hex;
          }
        ).hash,
    ),
  );
  assert.deepEqual([...before, ...after], canonical);
});

test("a log filter gets the logs of a dropped block again with removed: true, then the new chain's", async (t) => {
  const [devnet] = await startDevnets(t, 1);
  const { rpcUrl } = await startGateway(t, [devnet!], { maxLag: 5 });
  const { address, set } = await deployStore(devnet!);
  await waitFor(
    async () => (await rpc(rpcUrl, "eth_blockNumber")).result === "0x1",
    2_000,
    "the deploy block",
  );
  const id = (await rpc(rpcUrl, "eth_newFilter", [{ address }])).result as string;

  const snapshot = await devnet!.request("evm_snapshot", []);
  const dropped = await set(1n);
  const seen = await collect<Log>(rpcUrl, id, (c) => c.length >= 1, "the first log");
  assert.equal(await devnet!.request("evm_revert", [snapshot]), true);
  const kept = await set(2n);
  await devnet!.request("evm_mine", []);
  seen.push(
    ...(await collect<Log>(
      rpcUrl,
      id,
      (c) => c.some((l) => l.transactionHash === kept),
      "the new chain's log",
    )),
  );

  assert.deepEqual(
    seen.map((l) => [l.transactionHash, storedValue(l), l.removed === true]),
    [
      [dropped, 1n, false],
      [dropped, 1n, true],
      [kept, 2n, false],
    ],
  );
  assert.equal(seen[1]?.blockHash, seen[0]?.blockHash, "the retraction names the dropped block");
});

test("filters are bound to their key and bounded in number and unread changes; bad criteria are refused", async (t) => {
  const [devnet] = await startDevnets(t, 1);
  const KEY_A = "filter-key-a-5d1e";
  const KEY_B = "filter-key-b-8c2f";
  const { rpcUrl, url } = await startGateway(t, [devnet!], {
    apiKeys: [
      { name: "a", sha256: hashApiKey(KEY_A) },
      { name: "b", sha256: hashApiKey(KEY_B) },
    ],
    limits: { maxFilters: 3, filterMaxChanges: 2 },
  });
  const a = { "x-api-key": KEY_A };
  const b = { "x-api-key": KEY_B };

  // Another key's filter does not exist for you, and you cannot remove it.
  const mine = (await rpc(rpcUrl, "eth_newBlockFilter", [], a)).result as string;
  assert.equal(
    (await rpc(rpcUrl, "eth_getFilterChanges", [mine], b)).error?.message,
    "filter not found",
  );
  assert.equal((await rpc(rpcUrl, "eth_uninstallFilter", [mine], b)).result, false);
  assert.deepEqual((await rpc(rpcUrl, "eth_getFilterChanges", [mine], a)).result, []);

  // More unread changes than the bound: the filter is dropped and the poll says why. A
  // WebSocket newHeads subscriber is fed by the same head feed in the same turn, so once it
  // has head 3 the filter has seen it too.
  const ws = new WebSocket(`${url.replace("http", "ws")}/eth/${KEY_A}`);
  t.after(() => ws.terminate());
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  const heads: number[] = [];
  ws.on("message", (data: Buffer) => {
    const message = JSON.parse(data.toString()) as { params?: { result: { number: Hex } } };
    if (message.params !== undefined) heads.push(Number(message.params.result.number));
  });
  ws.send(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_subscribe", params: ["newHeads"] }));
  await new Promise((resolve) => ws.once("message", resolve));
  await mineInLockstep([devnet!], 3);
  await waitFor(() => heads.includes(3), 5_000, "head 3 on the feed");
  const overflow = await rpc(rpcUrl, "eth_getFilterChanges", [mine], a);
  assert.equal(overflow.error?.code, -32005);
  assert.match(overflow.error?.message ?? "", /more than 2 unread changes and was removed/);
  assert.equal(
    (await rpc(rpcUrl, "eth_getFilterChanges", [mine], a)).error?.message,
    "filter not found",
  );

  // At most 3 filters per chain.
  const ids = [];
  for (let i = 0; i < 3; i++) ids.push((await rpc(rpcUrl, "eth_newBlockFilter", [], a)).result);
  const fourth = await rpc(rpcUrl, "eth_newBlockFilter", [], b);
  assert.equal(fourth.error?.code, -32005);
  assert.match(fourth.error?.message ?? "", /already holds 3 filters/);

  // Bad criteria are refused when installed, with where and what.
  const badAddress = await rpc(rpcUrl, "eth_newFilter", [{ address: "0x1234" }], a);
  assert.equal(badAddress.error?.code, -32602);
  assert.match(badAddress.error?.message ?? "", /address must be a 20-byte hex address/);
  const badRange = await rpc(rpcUrl, "eth_newFilter", [{ fromBlock: "0x5", toBlock: "0x2" }], a);
  assert.equal(badRange.error?.code, -32602);
  assert.match(badRange.error?.message ?? "", /fromBlock 5 is after toBlock 2/);
  const noId = await rpc(rpcUrl, "eth_getFilterChanges", [], a);
  assert.equal(noId.error?.code, -32602);
  const pending = await rpc(rpcUrl, "eth_newPendingTransactionFilter", [], a);
  assert.equal(pending.error?.code, -32601);
  assert.match(pending.error?.message ?? "", /pending-transaction filters are not served/);
});

test("a filter not polled within filterTimeoutMs is removed; one polled meanwhile stays", async (t) => {
  const [devnet] = await startDevnets(t, 1);
  const { gateway, rpcUrl } = await startGateway(t, [devnet!], {
    limits: { filterTimeoutMs: 400 },
  });
  const polled = (await rpc(rpcUrl, "eth_newBlockFilter")).result as string;
  const idle = (await rpc(rpcUrl, "eth_newBlockFilter")).result as string;
  const started = performance.now();
  while (performance.now() - started < 1_200) {
    await new Promise((r) => setTimeout(r, 100));
    assert.equal((await rpc(rpcUrl, "eth_getFilterChanges", [polled])).error, undefined);
  }
  const expired = await rpc(rpcUrl, "eth_getFilterChanges", [idle]);
  assert.equal(expired.error?.message, "filter not found");
  assert.equal(
    metricValue(await gateway.metricsText(), "cryptokube_gateway_filters", { chain: "eth" }),
    1,
  );
});
