import assert from "node:assert/strict";
import { test } from "node:test";
import {
  createPublicClient,
  createWalletClient,
  defineChain,
  http,
  parseEventLogs,
  webSocket,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { storeAbi, storeBytecode } from "../../runtime/test/fixtures/store-contract.ts";
import { startDevnets } from "./helpers/devnets.ts";
import { metricValue, rpc, startGateway } from "./helpers/gateway.ts";

const devChain = defineChain({
  id: 31337,
  name: "devnet",
  nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
  rpcUrls: { default: { http: [] } },
});

test("viem public and wallet actions work through the gateway unchanged", async (t) => {
  const [devnet] = await startDevnets(t, 1);
  const { gateway, rpcUrl } = await startGateway(t, [devnet!]);
  const account = privateKeyToAccount(devnet!.accounts[0]!.privateKey);
  const transport = http(rpcUrl, { retryCount: 0 });
  const publicClient = createPublicClient({ chain: devChain, transport, pollingInterval: 50 });
  const wallet = createWalletClient({ chain: devChain, transport, account });
  const wsClient = createPublicClient({
    chain: devChain,
    transport: webSocket(rpcUrl.replace("http", "ws")),
  });
  t.after(async () => (await wsClient.transport.getRpcClient()).close());

  assert.equal(await publicClient.getChainId(), 31337);

  // deploy + receipt
  const deployHash = await wallet.deployContract({
    abi: storeAbi,
    bytecode: storeBytecode,
    args: [5n],
  });
  const deployReceipt = await publicClient.waitForTransactionReceipt({ hash: deployHash });
  assert.equal(deployReceipt.status, "success");
  const address = deployReceipt.contractAddress!;
  assert.equal(
    await publicClient.readContract({ address, abi: storeAbi, functionName: "value" }),
    5n,
  );

  // subscriptions: blocks and contract events arrive over the gateway's WebSocket
  const heads: bigint[] = [];
  const events: bigint[] = [];
  const unwatchBlocks = wsClient.watchBlocks({
    // viem hands over `undefined` when its follow-up getBlock fails, which happens when the
    // client closes at the end of the test while a head is in flight.
    onBlock: (block: { number: bigint } | undefined) => {
      if (block !== undefined) heads.push(block.number);
    },
  });
  const unwatchEvents = wsClient.watchContractEvent({
    address,
    abi: storeAbi,
    eventName: "ValueChanged",
    onLogs: (logs) => {
      for (const log of logs) events.push(log.args.value!);
    },
  });
  t.after(() => {
    unwatchBlocks();
    unwatchEvents();
  });
  await new Promise((r) => setTimeout(r, 300)); // let the subscriptions attach

  // write + receipt + logs
  const setHash = await wallet.writeContract({
    address,
    abi: storeAbi,
    functionName: "set",
    args: [42n],
  });
  const receipt = await publicClient.waitForTransactionReceipt({ hash: setHash });
  const parsed = parseEventLogs({ abi: storeAbi, logs: receipt.logs, eventName: "ValueChanged" });
  assert.equal(parsed[0]?.args.value, 42n);
  assert.equal(
    await publicClient.readContract({ address, abi: storeAbi, functionName: "value" }),
    42n,
  );
  const logs = await publicClient.getContractEvents({
    address,
    abi: storeAbi,
    eventName: "ValueChanged",
    fromBlock: 0n,
    toBlock: receipt.blockNumber,
  });
  assert.deepEqual(
    logs.map((l) => l.args.value),
    [42n],
  );

  // a node's final error (here: a malformed address) reaches the client unchanged
  const bad = await rpc(rpcUrl, "eth_getBalance", ["0x1234", "latest"]);
  assert.equal(bad.error?.code, -32602, JSON.stringify(bad));

  const deadline = Date.now() + 5_000;
  while ((events.length === 0 || heads.length === 0) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.deepEqual(events, [42n], "the ValueChanged event arrived over eth_subscribe logs");
  assert.ok(
    heads.includes(receipt.blockNumber),
    `newHeads delivered block ${receipt.blockNumber}: ${heads}`,
  );

  // the same signed transaction sent again counts as success with its hash
  const request = await wallet.prepareTransactionRequest({ to: account.address, value: 1n });
  const raw = await wallet.signTransaction(request);
  const first = await publicClient.sendRawTransaction({ serializedTransaction: raw });
  const again = await rpc(rpcUrl, "eth_sendRawTransaction", [raw]);
  assert.equal(again.error, undefined, JSON.stringify(again.error));
  assert.equal(again.result, first);

  const metrics = await gateway.metricsText();
  assert.ok(
    metricValue(metrics, "cryptokube_gateway_requests_total", {
      method: "eth_sendRawTransaction",
      status: "ok",
    }) >= 2,
  );
});
