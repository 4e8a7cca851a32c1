import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { startDevnets } from "./helpers/devnets.ts";
import { metricValue, rpc, startGateway } from "./helpers/gateway.ts";

const BATCH_SIZE = "cryptokube_gateway_upstream_batch_size";

/** 24 different reads, so neither the cache nor in-flight de-duplication can merge them. */
function distinctReads(): [string, unknown[]][] {
  return Array.from({ length: 24 }, (_, i) =>
    i % 2 === 0
      ? ["eth_getBalance", [`0x${(i + 1).toString(16).padStart(40, "0")}`, "latest"]]
      : ["eth_getTransactionCount", [`0x${(i + 1).toString(16).padStart(40, "0")}`, "latest"]],
  );
}

test("over HTTP, concurrent client calls reach the upstream as JSON-RPC batches; each client gets its own answer", async (t) => {
  const [devnet] = await startDevnets(t, 1);
  // Distinct balances, so a mixed-up answer would show.
  for (let i = 1; i <= 24; i += 2) {
    await devnet!.request("hardhat_setBalance", [
      `0x${i.toString(16).padStart(40, "0")}`,
      `0x${(i * 1000).toString(16)}`,
    ]);
  }
  const { gateway, rpcUrl } = await startGateway(t, [devnet!], {
    cache: { maxBytes: 0, finalityDepth: 2 },
    calls: "http",
  });
  const reads = distinctReads();
  const answers = await Promise.all(reads.map(([method, params]) => rpc(rpcUrl, method, params)));
  for (const [i, answer] of answers.entries()) {
    const [method, params] = reads[i]!;
    assert.equal(answer.error, undefined, `${method} failed: ${answer.error?.message}`);
    assert.equal(answer.result, await devnet!.request(method, params), `${method} ${params[0]}`);
  }
  const metrics = await gateway.metricsText();
  const exchanges = metricValue(metrics, `${BATCH_SIZE}_count`, { upstream: "node0" });
  const single = metricValue(metrics, `${BATCH_SIZE}_bucket`, { upstream: "node0", le: "1" });
  assert.ok(
    exchanges - single > 0,
    `no exchange carried more than one call (${exchanges} exchanges)`,
  );
});

test("an upstream that refuses batches gets every call on its own, and nothing fails", async (t) => {
  const [devnet] = await startDevnets(t, 1);
  // Test double for a hosted provider without batch support, in front of a real devnet.
  let refusedBatches = 0;
  let singles = 0;
  const batchRefusingProxy = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString();
    response.setHeader("content-type", "application/json");
    if (body.trimStart().startsWith("[")) {
      refusedBatches++;
      response.end(
        '{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"batches are not supported"}}',
      );
      return;
    }
    singles++;
    const upstream = await fetch(devnet!.url, {
      method: "POST",
      body,
      headers: { "content-type": "application/json" },
    });
    response.end(await upstream.text());
  });
  await new Promise<void>((resolve) => batchRefusingProxy.listen(0, "127.0.0.1", resolve));
  t.after(() => new Promise<void>((resolve) => batchRefusingProxy.close(() => resolve())));
  const proxyUrl = `http://127.0.0.1:${(batchRefusingProxy.address() as AddressInfo).port}`;
  const { rpcUrl } = await startGateway(t, [{ ...devnet!, url: proxyUrl }], {
    cache: { maxBytes: 0, finalityDepth: 2 },
    calls: "http",
  });

  const round = () =>
    Promise.all(distinctReads().map(([method, params]) => rpc(rpcUrl, method, params)));
  for (const answer of await round()) assert.equal(answer.error, undefined, answer.error?.message);
  // A probe batch written before the refusal came back may still reach the proxy: let it land.
  await new Promise((r) => setTimeout(r, 500));
  const refusedAfterFirstRound = refusedBatches;
  const singlesBefore = singles;
  for (const answer of await round()) assert.equal(answer.error, undefined, answer.error?.message);
  assert.equal(refusedBatches, refusedAfterFirstRound, "batches were sent again after a refusal");
  assert.ok(
    singles - singlesBefore >= 24,
    `only ${singles - singlesBefore} single calls in round 2`,
  );
});
