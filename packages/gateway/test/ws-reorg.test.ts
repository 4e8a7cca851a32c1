/**
 * A reorg under a logs subscription: the logs of the dropped block are sent again with
 * `removed: true` (as a node does), then the logs of the new chain.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { createWalletClient, getContractAddress, type Hex, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import WebSocket from "ws";
import { storeAbi, storeBytecode } from "../../runtime/test/fixtures/store-contract.ts";
import { startDevnets } from "./helpers/devnets.ts";
import { startGateway, waitFor } from "./helpers/gateway.ts";

interface LogNotice {
  transactionHash: Hex;
  blockHash: Hex;
  data: Hex;
  removed?: boolean;
}

test("a reorg retracts the logs of dropped blocks with removed: true, then sends the new chain's", async (t) => {
  const [devnet] = await startDevnets(t, 1);
  assert.ok(devnet);
  const account = privateKeyToAccount(devnet.accounts[0]!.privateKey);
  const chain = {
    id: 31337,
    name: "devnet",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [devnet.url] } },
  } as const;
  const wallet = createWalletClient({ account, chain, transport: http(devnet.url) });
  await wallet.deployContract({ abi: storeAbi, bytecode: storeBytecode, args: [0n] });
  const address = getContractAddress({ from: account.address, nonce: 0n });

  const { url } = await startGateway(t, [devnet], { maxLag: 5 });
  const ws = new WebSocket(`${url.replace("http", "ws")}/eth`);
  t.after(() => ws.terminate());
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  const logs: LogNotice[] = [];
  let subscribed = false;
  ws.on("message", (data: Buffer) => {
    const message = JSON.parse(data.toString()) as {
      id?: number;
      method?: string;
      params?: { result: LogNotice };
    };
    if (message.id === 1) subscribed = true;
    if (message.method === "eth_subscription" && message.params) logs.push(message.params.result);
  });
  ws.send(
    JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "eth_subscribe",
      params: ["logs", { address }],
    }),
  );
  await waitFor(() => subscribed, 2_000, "the subscription id");

  const snapshot = await devnet.request("evm_snapshot", []);
  const dropped = await wallet.writeContract({
    address,
    abi: storeAbi,
    functionName: "set",
    args: [1n],
  });
  await waitFor(() => logs.some((l) => l.transactionHash === dropped), 5_000, "the first log");

  // Back to before that block, then a different, longer chain.
  assert.equal(await devnet.request("evm_revert", [snapshot]), true);
  const kept = await wallet.writeContract({
    address,
    abi: storeAbi,
    functionName: "set",
    args: [2n],
  });
  await devnet.request("evm_mine", []);
  await waitFor(() => logs.some((l) => l.transactionHash === kept), 5_000, "the new chain's log");

  const first = logs.findIndex((l) => l.transactionHash === dropped && l.removed !== true);
  const retracted = logs.findIndex((l) => l.transactionHash === dropped && l.removed === true);
  const replacement = logs.findIndex((l) => l.transactionHash === kept);
  assert.ok(first >= 0, "the log was delivered");
  assert.ok(retracted > first, "then retracted with removed: true");
  assert.ok(replacement > retracted, "and the new chain's log came after the retraction");
  assert.equal(
    logs[retracted]?.blockHash,
    logs[first]?.blockHash,
    "the retraction names the dropped block",
  );
  assert.equal(logs.filter((l) => l.removed === true).length, 1, "nothing else retracted");
  assert.equal(logs.filter((l) => l.transactionHash === kept).length, 1, "the new log once");
});
