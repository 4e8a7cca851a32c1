import assert from "node:assert/strict";
import { test } from "node:test";
import {
  decodeEventLog,
  encodeDeployData,
  encodeFunctionData,
  getContractAddress,
  type Hex,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import WebSocket from "ws";
import { storeAbi, storeBytecode } from "../../runtime/test/fixtures/store-contract.ts";
import { blockNumber, mineInLockstep, sendRawToAll, startDevnets } from "./helpers/devnets.ts";
import { startGateway, waitFor } from "./helpers/gateway.ts";

interface Notification {
  method: string;
  params: {
    subscription: string;
    result: { number?: Hex; hash?: Hex; data?: Hex; topics?: Hex[] };
  };
}

test("subscriptions move to another upstream without dropping or repeating heads or logs", async (t) => {
  const devnets = await startDevnets(t, 3);
  const account = privateKeyToAccount(devnets[0]!.accounts[2]!.privateKey);
  let nonce = 0;
  const sign = (data: Hex, to?: Hex) =>
    account.signTransaction({
      chainId: 31337,
      type: "eip1559",
      nonce: nonce++,
      ...(to === undefined ? {} : { to }),
      data,
      gas: 500_000n,
      maxFeePerGas: 100_000_000_000n,
      maxPriorityFeePerGas: 1n,
    });
  await sendRawToAll(
    devnets,
    await sign(encodeDeployData({ abi: storeAbi, bytecode: storeBytecode, args: [0n] })),
  );
  const address = getContractAddress({ from: account.address, nonce: 0n });
  const set = async (live: typeof devnets, value: bigint) =>
    sendRawToAll(
      live,
      await sign(
        encodeFunctionData({ abi: storeAbi, functionName: "set", args: [value] }),
        address,
      ),
    );

  const { url } = await startGateway(t, devnets, { maxLag: 2 });
  const ws = new WebSocket(`${url.replace("http", "ws")}/eth`);
  t.after(() => ws.terminate());
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  const replies = new Map<number, unknown>();
  const notifications: Notification[] = [];
  ws.on("message", (data: Buffer) => {
    const message = JSON.parse(data.toString()) as {
      id?: number;
      result?: unknown;
      method?: string;
    };
    if (message.method === "eth_subscription") notifications.push(message as Notification);
    else if (message.id !== undefined) replies.set(message.id, message.result);
  });
  ws.send(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_subscribe", params: ["newHeads"] }));
  ws.send(
    JSON.stringify({
      jsonrpc: "2.0",
      id: 2,
      method: "eth_subscribe",
      params: ["logs", { address }],
    }),
  );
  await waitFor(() => replies.has(1) && replies.has(2), 2_000, "subscription ids");
  const headsId = replies.get(1) as string;
  const logsId = replies.get(2) as string;
  await new Promise((r) => setTimeout(r, 150));
  const startHead = await blockNumber(devnets[2]!);

  await set(devnets, 1n);
  await mineInLockstep(devnets, 2);
  await new Promise((r) => setTimeout(r, 150));
  await devnets[0]!.close();
  await set([devnets[1]!, devnets[2]!], 2n);
  await mineInLockstep([devnets[1]!, devnets[2]!], 2);
  await new Promise((r) => setTimeout(r, 150));
  await devnets[1]!.close();
  await set([devnets[2]!], 3n);
  await mineInLockstep([devnets[2]!], 2);
  const finalHead = await blockNumber(devnets[2]!);

  const heads = () => notifications.filter((n) => n.params.subscription === headsId);
  await waitFor(
    () => heads().some((n) => Number(n.params.result.number) === finalHead),
    5_000,
    `head ${finalHead}`,
  );
  await new Promise((r) => setTimeout(r, 200));

  const numbers = heads().map((n) => Number(n.params.result.number));
  const expected = Array.from({ length: finalHead - startHead }, (_, i) => startHead + 1 + i);
  assert.deepEqual(numbers, expected, "every head exactly once, in order");
  for (const n of heads()) {
    const block = (await devnets[2]!.request("eth_getBlockByNumber", [
      n.params.result.number,
      false,
    ])) as { hash: Hex };
    assert.equal(n.params.result.hash, block.hash);
  }
  const values = notifications
    .filter((n) => n.params.subscription === logsId)
    .map(
      (n) =>
        decodeEventLog({
          abi: storeAbi,
          data: n.params.result.data!,
          topics: n.params.result.topics as [Hex],
        }).args,
    );
  assert.deepEqual(
    values.map((v) => (v as { value: bigint }).value),
    [1n, 2n, 3n],
    "every log exactly once, in order",
  );

  // Unsubscribing stops notifications.
  ws.send(JSON.stringify({ jsonrpc: "2.0", id: 3, method: "eth_unsubscribe", params: [headsId] }));
  await waitFor(() => replies.get(3) === true, 2_000, "unsubscribe");
  const count = heads().length;
  await mineInLockstep([devnets[2]!], 2);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(heads().length, count);
});

test("unsupported subscriptions and subscriptions over HTTP get clear errors", async (t) => {
  const devnets = await startDevnets(t, 1);
  const { url, rpcUrl } = await startGateway(t, devnets);
  const ws = new WebSocket(`${url.replace("http", "ws")}/eth`);
  t.after(() => ws.terminate());
  await new Promise((resolve) => ws.once("open", resolve));
  ws.send(
    JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "eth_subscribe",
      params: ["newPendingTransactions"],
    }),
  );
  const data = await new Promise<Buffer>((resolve) =>
    ws.once("message", (raw: Buffer) => resolve(raw)),
  );
  const reply = JSON.parse(data.toString()) as { error: { code: number; message: string } };
  assert.equal(reply.error.code, -32602);
  assert.match(reply.error.message, /newHeads and logs/);
  const overHttp = await fetch(rpcUrl, {
    method: "POST",
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_subscribe", params: ["newHeads"] }),
  });
  const body = (await overHttp.json()) as { error: { code: number; message: string } };
  assert.equal(body.error.code, -32601);
  assert.match(body.error.message, /WebSocket/);
});
