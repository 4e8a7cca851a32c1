import assert from "node:assert/strict";
import { once } from "node:events";
import { test } from "node:test";
import type { Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import WebSocket from "ws";
import type { Gateway } from "../src/index.ts";
import { blockNumber, genesisTimeOf, mineInLockstep, startDevnets } from "./helpers/devnets.ts";
import { metricValue, rpc, startGateway, waitFor } from "./helpers/gateway.ts";

/** Requests an upstream answered (probes are not counted). */
async function answeredBy(gateway: Gateway, upstream: string): Promise<number> {
  return metricValue(await gateway.metricsText(), "cryptokube_gateway_upstream_requests_total", {
    upstream,
    outcome: "ok",
  });
}

test("an upstream kept behind is excluded within 2 s and latest never goes backwards", async (t) => {
  const devnets = await startDevnets(t, 3);
  await mineInLockstep(devnets, 3);
  const { gateway, rpcUrl } = await startGateway(t, devnets, { maxLag: 2 });

  // A client watching latest (number and block) the whole time.
  let watching = true;
  let previous = -1;
  const regressions: string[] = [];
  let observations = 0;
  const watcher = (async () => {
    while (watching) {
      const number = Number((await rpc(rpcUrl, "eth_blockNumber")).result);
      const block = (await rpc(rpcUrl, "eth_getBlockByNumber", ["latest", false])).result as {
        number: Hex;
      } | null;
      const blockNo = block === null ? -1 : Number(block.number);
      for (const seen of [number, blockNo]) {
        if (seen < previous) regressions.push(`${seen} after ${previous}`);
        previous = Math.max(previous, seen);
      }
      observations++;
    }
  })();

  try {
    const laggard = devnets[2]!;
    const behindStarted = performance.now();
    await mineInLockstep([devnets[0]!, devnets[1]!], 6);
    const mined = performance.now() - behindStarted;
    const excludedAfter = await waitFor(
      () => gateway.health().chains.eth?.upstreams[2]?.status === "lagging",
      2_000,
      "the lagging upstream to be excluded",
    );
    t.diagnostic(
      `lagging upstream excluded ${Math.round(excludedAfter + mined)} ms after it started falling behind`,
    );
    assert.ok(excludedAfter + mined < 2_000);
    // With the laggard out, the gateway head moves to what the others have.
    const expected = await blockNumber(devnets[0]!);
    await waitFor(
      async () => Number((await rpc(rpcUrl, "eth_blockNumber")).result) === expected,
      2_000,
      "head to advance",
    );

    // It rejoins once caught up; the head does not move back meanwhile.
    await mineInLockstep([laggard], 6);
    await waitFor(
      () => gateway.health().chains.eth?.upstreams[2]?.status === "healthy",
      2_000,
      "the laggard to rejoin",
    );
    // Enough observations to mean something, however slow the machine is today.
    await waitFor(() => observations >= 20, 10_000, "the client to watch latest 20 times");
  } finally {
    watching = false;
    await watcher;
  }
  assert.deepEqual(regressions, []);
  t.diagnostic(`${observations} observations of latest, none going backwards`);
  const metrics = await gateway.metricsText();
  assert.equal(metricValue(metrics, "cryptokube_gateway_upstream_up", { upstream: "node2" }), 1);
  assert.equal(
    metricValue(metrics, "cryptokube_gateway_head_block", { chain: "eth" }),
    await blockNumber(devnets[0]!),
  );
});

test("an upstream on a different chain id is excluded and cannot drag the others out", async (t) => {
  const good = await startDevnets(t, 2);
  const [foreign] = await startDevnets(t, 1, { chainId: 999 });
  await mineInLockstep(good, 2);
  // The foreign chain is far ahead: if it counted, the good upstreams would look lagging.
  await mineInLockstep([foreign!], 20);
  for (const chainId of [undefined, 31337]) {
    const { gateway, rpcUrl } = await startGateway(t, [good[0]!, foreign!, good[1]!], {
      maxLag: 2,
      ...(chainId === undefined ? {} : { chainId }),
    });
    const health = gateway.health().chains.eth!;
    assert.deepEqual(
      health.upstreams.map((u) => u.status),
      ["healthy", "wrong-chain", "healthy"],
      `chainId configured: ${chainId}`,
    );
    assert.equal(health.chainId, "0x7a69");
    for (let i = 0; i < 30; i++) {
      const reply = await rpc(rpcUrl, "eth_getBlockByNumber", ["latest", false]);
      assert.equal(Number((reply.result as { number: Hex }).number), 2);
      assert.equal((await rpc(rpcUrl, "eth_chainId")).result, "0x7a69");
    }
    assert.equal(await answeredBy(gateway, "node1"), 0, "no request went to the foreign upstream");
  }
});

test("an upstream with the chain id but another genesis block is excluded; subscribers see one chain", async (t) => {
  const good = await startDevnets(t, 2);
  // Same chain id, genesis a second later: every block hash differs from the others'.
  const [other] = await startDevnets(t, 1, {
    genesisTime: (await genesisTimeOf(good[0]!)) + 1,
  });
  await mineInLockstep([...good, other!], 3);
  const { gateway, url, rpcUrl } = await startGateway(t, [good[0]!, other!, good[1]!], {
    maxLag: 2,
  });
  const health = gateway.health().chains.eth!;
  assert.deepEqual(
    health.upstreams.map((u) => u.status),
    ["healthy", "wrong-chain", "healthy"],
  );
  const ws = new WebSocket(`${url.replace("http", "ws")}/eth`);
  t.after(() => ws.terminate());
  await once(ws, "open");
  const heads: { number: Hex; hash: Hex; parentHash: Hex }[] = [];
  ws.on("message", (data: Buffer) => {
    const message = JSON.parse(data.toString()) as {
      method?: string;
      params?: { result: { number: Hex; hash: Hex; parentHash: Hex } };
    };
    if (message.method === "eth_subscription") heads.push(message.params!.result);
  });
  ws.send(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_subscribe", params: ["newHeads"] }));
  await new Promise((r) => setTimeout(r, 300));
  await mineInLockstep([...good, other!], 3);
  await waitFor(() => heads.length >= 3, 5_000, "three new heads");
  for (const [i, head] of heads.entries()) {
    const canonical = (await good[1]!.request("eth_getBlockByNumber", [head.number, false])) as {
      hash: Hex;
    };
    assert.equal(head.hash, canonical.hash, "heads are the good upstreams' blocks");
    if (i > 0) assert.equal(head.parentHash, heads[i - 1]!.hash, "one unbroken chain");
  }
  for (let i = 0; i < 20; i++) {
    const block = (await rpc(rpcUrl, "eth_getBlockByNumber", ["0x1", false])).result as {
      hash: Hex;
    };
    assert.equal(
      block.hash,
      ((await good[0]!.request("eth_getBlockByNumber", ["0x1", false])) as { hash: Hex }).hash,
    );
  }
  assert.equal(await answeredBy(gateway, "node1"), 0, "no request went to the other chain's node");
});

test("a client following the tip never gets block-not-found while blocks are produced", async (t) => {
  const devnets = await startDevnets(t, 2);
  const { rpcUrl } = await startGateway(t, devnets, { maxLag: 5 });
  const account = privateKeyToAccount(devnets[0]!.accounts[1]!.privateKey);

  // Producer: a transaction per block, applied to the first node 30 ms before the second, so
  // the nodes are regularly one block apart, as real nodes are while a block propagates.
  let producing = true;
  let produced = 0;
  const producer = (async () => {
    // Pinned timestamps, each after the latest block of both nodes.
    const latest = await Promise.all(
      devnets.map(
        async (devnet) =>
          (
            (await devnet.request("eth_getBlockByNumber", ["latest", false])) as {
              timestamp: Hex;
            }
          ).timestamp,
      ),
    );
    let timestamp = Math.max(...latest.map(Number));
    for (let nonce = 0; producing && nonce < 200; nonce++) {
      const raw = await account.signTransaction({
        chainId: 31337,
        type: "eip1559",
        nonce,
        to: account.address,
        value: 1n,
        gas: 21_000n,
        maxFeePerGas: 100_000_000_000n,
        maxPriorityFeePerGas: 1n,
      });
      timestamp++;
      for (const devnet of devnets) {
        await devnet.request("evm_setNextBlockTimestamp", [timestamp]);
        await devnet.request("eth_sendRawTransaction", [raw]);
        await new Promise((r) => setTimeout(r, 30));
      }
      produced++;
    }
  })();

  let notFound = 0;
  let blocksChecked = 0;
  let receiptsChecked = 0;
  // Follows the tip until enough blocks went by, however slow the machine is (bounded).
  const deadline = performance.now() + 20_000;
  try {
    while ((produced < 20 || receiptsChecked < 20) && performance.now() < deadline) {
      const number = (await rpc(rpcUrl, "eth_blockNumber")).result as Hex;
      const block = (await rpc(rpcUrl, "eth_getBlockByNumber", [number, false])).result as {
        transactions: Hex[];
      } | null;
      if (block === null) {
        notFound++;
        continue;
      }
      blocksChecked++;
      for (const hash of block.transactions) {
        const receipt = await rpc(rpcUrl, "eth_getTransactionReceipt", [hash]);
        if (receipt.result === null || receipt.error !== undefined) notFound++;
        receiptsChecked++;
      }
      const latest = await rpc(rpcUrl, "eth_getBlockByNumber", ["latest", true]);
      if (latest.result === null) notFound++;
    }
  } finally {
    producing = false;
    await producer;
  }
  t.diagnostic(
    `${produced} blocks produced, ${blocksChecked} tip blocks and ${receiptsChecked} receipts checked`,
  );
  assert.equal(notFound, 0);
  assert.ok(produced > 10 && receiptsChecked > 10, "the tip moved while the client followed it");
});
