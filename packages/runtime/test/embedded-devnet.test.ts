import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { type Devnet, DevnetRpcError, startDevnet } from "@cryptokube/runtime/devnet";
import {
  type Address,
  createPublicClient,
  createWalletClient,
  defineChain,
  http,
  parseEventLogs,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import WebSocket from "ws";
import { storeAbi, storeBytecode } from "./fixtures/store-contract.ts";

const HARDHAT_ACCOUNT_0 = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

function clientsFor(devnet: Devnet) {
  const chain = defineChain({
    id: devnet.chainId,
    name: "devnet",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [devnet.url] } },
  });
  const account = privateKeyToAccount(devnet.accounts[0]!.privateKey);
  return {
    account,
    publicClient: createPublicClient({ chain, transport: http(devnet.url) }),
    walletClient: createWalletClient({ chain, account, transport: http(devnet.url) }),
  };
}

async function deployStore(devnet: Devnet, initial: bigint): Promise<Address> {
  const { publicClient, walletClient } = clientsFor(devnet);
  const hash = await walletClient.deployContract({
    abi: storeAbi,
    bytecode: storeBytecode,
    args: [initial],
  });
  const receipt = await publicClient.waitForTransactionReceipt({ hash, pollingInterval: 20 });
  assert.equal(receipt.status, "success");
  assert.ok(receipt.contractAddress);
  return receipt.contractAddress;
}

async function postRaw(url: string, body: string, method = "POST") {
  const response = await fetch(url, {
    method,
    headers: { "content-type": "application/json" },
    ...(method === "POST" ? { body } : {}),
  });
  return { status: response.status, json: (await response.json()) as unknown };
}

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), "ck-devnet-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test("viem deploys a contract, calls it and reads events and receipts over HTTP", async (t) => {
  const rssBefore = process.memoryUsage().rss;
  const started = performance.now();
  const devnet = await startDevnet({ port: 0, chainId: 1337 });
  const readyMs = performance.now() - started;
  t.after(() => devnet.close());
  t.diagnostic(
    `startDevnet ready in ${readyMs.toFixed(0)} ms; RSS ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB (+${((process.memoryUsage().rss - rssBefore) / 1e6).toFixed(0)} MB)`,
  );

  assert.match(devnet.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(devnet.wsUrl, devnet.url.replace("http", "ws"));
  assert.equal(devnet.accounts.length, 10);
  assert.equal(devnet.accounts[0]!.address, HARDHAT_ACCOUNT_0);
  assert.equal(
    devnet.accounts[0]!.privateKey,
    "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  );

  const { publicClient, walletClient, account } = clientsFor(devnet);
  assert.equal(await publicClient.getChainId(), 1337);
  assert.equal(await publicClient.getBalance({ address: HARDHAT_ACCOUNT_0 }), 10_000n * 10n ** 18n);

  const address = await deployStore(devnet, 7n);
  assert.equal(
    await publicClient.readContract({ address, abi: storeAbi, functionName: "value" }),
    7n,
  );

  const hash = await walletClient.writeContract({
    address,
    abi: storeAbi,
    functionName: "set",
    args: [42n],
  });
  const receipt = await publicClient.waitForTransactionReceipt({ hash, pollingInterval: 20 });
  assert.equal(receipt.status, "success");
  assert.equal(receipt.blockNumber, 2n); // automine: one block per transaction
  const [event] = parseEventLogs({ abi: storeAbi, logs: receipt.logs });
  assert.equal(event?.eventName, "ValueChanged");
  assert.equal(event?.args.by, account.address);
  assert.equal(event?.args.value, 42n);
  assert.equal(
    await publicClient.readContract({ address, abi: storeAbi, functionName: "value" }),
    42n,
  );
  const logs = await publicClient.getContractEvents({
    address,
    abi: storeAbi,
    eventName: "ValueChanged",
    fromBlock: 0n,
  });
  assert.equal(logs.length, 1);

  // In-process calls share the same chain; errors surface as DevnetRpcError.
  assert.equal(await devnet.request("eth_blockNumber"), "0x2");
  await assert.rejects(devnet.request("no_suchMethod"), (error: unknown) => {
    assert.ok(error instanceof DevnetRpcError);
    assert.equal(error.code, "DEVNET_RPC_ERROR");
    return true;
  });
  // hardhat_/evm_ methods pass through.
  const snapshot = await devnet.request("evm_snapshot");
  await devnet.request("hardhat_mine", ["0x5"]);
  assert.equal(await devnet.request("eth_blockNumber"), "0x7");
  assert.equal(await devnet.request("evm_revert", [snapshot]), true);
  assert.equal(await devnet.request("eth_blockNumber"), "0x2");
});

test("malformed JSON-RPC gets standard errors and the server keeps serving", async (t) => {
  const devnet = await startDevnet({ port: 0, accounts: 1 });
  t.after(() => devnet.close());
  const url = devnet.url;

  const parse = await postRaw(url, "{not json");
  assert.equal(parse.status, 200);
  assert.deepEqual(parse.json, {
    jsonrpc: "2.0",
    id: null,
    error: { code: -32700, message: "Parse error: the body is not valid JSON" },
  });
  const emptyBatch = (await postRaw(url, "[]")).json as { error: { code: number } };
  assert.equal(emptyBatch.error.code, -32600);
  const notObject = (await postRaw(url, "42")).json as { error: { code: number } };
  assert.equal(notObject.error.code, -32600);
  const noMethod = (await postRaw(url, '{"jsonrpc":"2.0","id":3}')).json as {
    id: number;
    error: { code: number };
  };
  assert.equal(noMethod.id, 3);
  assert.equal(noMethod.error.code, -32600);
  const badParams = (
    await postRaw(url, '{"jsonrpc":"2.0","id":4,"method":"eth_getBalance","params":"x"}')
  ).json as { error: { code: number } };
  assert.equal(badParams.error.code, -32602);
  const unknown = (await postRaw(url, '{"jsonrpc":"2.0","id":5,"method":"nope_nope","params":[]}'))
    .json as { error: { code: number; message: string } };
  assert.equal(unknown.error.code, -32004);
  const httpSubscribe = (
    await postRaw(url, '{"jsonrpc":"2.0","id":6,"method":"eth_subscribe","params":["newHeads"]}')
  ).json as { error: { code: number; message: string } };
  assert.equal(httpSubscribe.error.code, -32601);
  assert.match(httpSubscribe.error.message, /WebSocket/);
  assert.equal((await postRaw(url, "", "GET")).status, 405);

  const batch = (
    await postRaw(
      url,
      JSON.stringify([
        { jsonrpc: "2.0", id: "a", method: "eth_chainId", params: [] },
        { jsonrpc: "2.0", id: "b", method: "eth_blockNumber" },
        "garbage",
        { jsonrpc: "2.0", method: "eth_chainId", params: [] }, // notification: no answer
      ]),
    )
  ).json as Array<{ id: unknown; result?: unknown; error?: { code: number } }>;
  assert.equal(batch.length, 3);
  assert.deepEqual(batch[0], { jsonrpc: "2.0", id: "a", result: "0x7a69" });
  assert.deepEqual(batch[1], { jsonrpc: "2.0", id: "b", result: "0x0" });
  assert.equal(batch[2]!.error!.code, -32600);

  const still = (await postRaw(url, '{"jsonrpc":"2.0","id":9,"method":"eth_chainId"}')).json;
  assert.deepEqual(still, { jsonrpc: "2.0", id: 9, result: "0x7a69" });
});

test("eth_subscribe newHeads and logs over WebSocket, eth_unsubscribe stops them", async (t) => {
  const devnet = await startDevnet({ port: 0, accounts: 1 });
  t.after(() => devnet.close());
  const socket = new WebSocket(devnet.wsUrl);
  t.after(() => socket.terminate());
  type Message = {
    id?: number | null;
    result?: unknown;
    method?: string;
    params?: { subscription: string; result: unknown };
  };
  const messages: Message[] = [];
  const waiters: Array<() => void> = [];
  socket.on("message", (data) => {
    messages.push(JSON.parse(String(data)));
    for (const wake of waiters.splice(0)) wake();
  });
  await once(socket, "open");
  const next = async <T>(predicate: (m: (typeof messages)[number]) => boolean): Promise<T> => {
    const deadline = Date.now() + 5000;
    for (;;) {
      const index = messages.findIndex(predicate);
      if (index >= 0) return messages.splice(index, 1)[0] as T;
      if (Date.now() > deadline) throw new Error("timed out waiting for a websocket message");
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  };
  const call = async (id: number, method: string, params: unknown[]) => {
    socket.send(JSON.stringify({ jsonrpc: "2.0", id, method, params }));
    return next<{ result: unknown; error?: unknown }>((m) => m.id === id);
  };

  const heads = (await call(1, "eth_subscribe", ["newHeads"])).result as string;
  const address = await deployStore(devnet, 1n);
  const head = await next<{ params: { subscription: string; result: { number: string } } }>(
    (m) => m.method === "eth_subscription" && m.params?.subscription === heads,
  );
  assert.equal(head.params.result.number, "0x1");

  const logsId = (await call(2, "eth_subscribe", ["logs", { address }])).result as string;
  const { walletClient } = clientsFor(devnet);
  await walletClient.writeContract({ address, abi: storeAbi, functionName: "set", args: [5n] });
  const log = await next<{ params: { result: { address: string; data: string } } }>(
    (m) => m.method === "eth_subscription" && m.params?.subscription === logsId,
  );
  assert.equal(log.params.result.address.toLowerCase(), address.toLowerCase());
  assert.equal(BigInt(log.params.result.data), 5n);

  assert.equal((await call(3, "eth_unsubscribe", [heads])).result, true);
  assert.equal((await call(4, "eth_unsubscribe", [heads])).result, false);
  messages.length = 0;
  await devnet.request("evm_mine");
  assert.equal((await call(5, "eth_blockNumber", [])).result, "0x3"); // deploy, set, mine
  assert.equal(
    messages.filter((m) => m.method === "eth_subscription" && m.params?.subscription === heads)
      .length,
    0,
  );
  // Garbage over the socket gets a parse error, and the connection keeps working.
  socket.send("}{");
  const parseError = await next<{ error: { code: number } }>((m) => m.id === null);
  assert.equal(parseError.error.code, -32700);
  assert.equal((await call(6, "eth_chainId", [])).result, "0x7a69");
});

test("interval mining advances blocks without transactions, and its blocks persist", async (t) => {
  const stateDir = tempDir(t);
  const devnet = await startDevnet({ port: 0, accounts: 1, blockTime: 0.2, stateDir });
  const intervalStarted = performance.now();
  let latest: { number: string; hash: string };
  try {
    const hash = (await devnet.request("eth_sendTransaction", [
      { from: devnet.accounts[0]!.address, to: HARDHAT_ACCOUNT_0, value: "0x1" },
    ])) as string;
    assert.equal(await devnet.request("eth_blockNumber"), "0x0"); // not automined
    // At least three interval blocks (bounded wait, however slow the machine is today)...
    while (
      Number(await devnet.request("eth_blockNumber")) < 3 &&
      performance.now() - intervalStarted < 10_000
    ) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(await devnet.request("evm_setIntervalMining", [0]), true); // stop, to compare
    const elapsedMs = performance.now() - intervalStarted;
    const height = Number(await devnet.request("eth_blockNumber"));
    // ...and never more than one per 0.2 s (one of slack: the timer started before our clock).
    assert.ok(
      height >= 3 && height <= Math.floor(elapsedMs / 200) + 1,
      `expected one block per 0.2 s, got ${height} in ${Math.round(elapsedMs)} ms`,
    );
    const receipt = (await devnet.request("eth_getTransactionReceipt", [hash])) as {
      blockNumber: string;
    };
    assert.equal(receipt.blockNumber, "0x1");
    latest = (await devnet.request("eth_getBlockByNumber", ["latest", false])) as typeof latest;
  } finally {
    await devnet.close();
  }
  await assert.rejects(devnet.request("eth_blockNumber"), { code: "DEVNET_CLOSED" });

  const restarted = await startDevnet({ port: 0, accounts: 1, stateDir });
  t.after(() => restarted.close());
  const restored = (await restarted.request("eth_getBlockByNumber", ["latest", false])) as {
    number: string;
    hash: string;
  };
  assert.equal(restored.number, latest.number);
  assert.equal(restored.hash, latest.hash);
  assert.equal(
    await restarted.request("eth_getTransactionCount", [HARDHAT_ACCOUNT_0, "latest"]),
    "0x1",
  );
});

test("state persists across restart: contract, storage, block number, nonce, balance", async (t) => {
  const stateDir = tempDir(t);
  const first = await startDevnet({ port: 0, stateDir, accounts: 2 });
  let address: Address;
  let before: {
    block: unknown;
    nonce: unknown;
    balance: unknown;
    code: unknown;
    latest: { hash: string };
  };
  try {
    address = await deployStore(first, 3n);
    const { walletClient, publicClient } = clientsFor(first);
    const hash = await walletClient.writeContract({
      address,
      abi: storeAbi,
      functionName: "set",
      args: [99n],
    });
    await publicClient.waitForTransactionReceipt({ hash, pollingInterval: 20 });
    await first.request("hardhat_mine", ["0x3"]);
    await first.request("hardhat_setBalance", [first.accounts[1]!.address, "0x1234"]);
    before = {
      block: await first.request("eth_blockNumber"),
      nonce: await first.request("eth_getTransactionCount", [HARDHAT_ACCOUNT_0, "latest"]),
      balance: await first.request("eth_getBalance", [HARDHAT_ACCOUNT_0, "latest"]),
      code: await first.request("eth_getCode", [address, "latest"]),
      latest: (await first.request("eth_getBlockByNumber", ["latest", false])) as { hash: string },
    };
  } finally {
    await first.close();
  }
  assert.equal(before.block, "0x5");

  const started = performance.now();
  const second = await startDevnet({ port: 0, stateDir, accounts: 2 });
  t.after(() => second.close());
  t.diagnostic(
    `restart with 6 journaled requests ready in ${(performance.now() - started).toFixed(0)} ms`,
  );
  assert.equal(await second.request("eth_blockNumber"), before.block);
  assert.equal(
    await second.request("eth_getTransactionCount", [HARDHAT_ACCOUNT_0, "latest"]),
    "0x2",
  );
  assert.equal(
    await second.request("eth_getBalance", [HARDHAT_ACCOUNT_0, "latest"]),
    before.balance,
  );
  assert.equal(
    await second.request("eth_getBalance", [second.accounts[1]!.address, "latest"]),
    "0x1234",
  );
  assert.equal(await second.request("eth_getCode", [address, "latest"]), before.code);
  assert.equal(
    await second.request("eth_getStorageAt", [address, "0x0", "latest"]),
    `0x${"0".repeat(62)}63`,
  );
  const latest = (await second.request("eth_getBlockByNumber", ["latest", false])) as {
    hash: string;
  };
  assert.equal(latest.hash, before.latest.hash); // identical chain, not just similar state
  const { publicClient } = clientsFor(second);
  assert.equal(
    await publicClient.readContract({ address, abi: storeAbi, functionName: "value" }),
    99n,
  );
  // The chain continues: the next transaction uses the persisted nonce.
  const next = await deployStore(second, 1n);
  assert.notEqual(next, address);
  assert.equal(
    await second.request("eth_getTransactionCount", [HARDHAT_ACCOUNT_0, "latest"]),
    "0x3",
  );
});

test("a torn last journal line is dropped and the chain still restores", async (t) => {
  const stateDir = tempDir(t);
  const first = await startDevnet({ port: 0, stateDir, accounts: 1 });
  const address = await deployStore(first, 11n).finally(() => first.close());
  const journalPath = join(stateDir, "devnet-journal.jsonl");
  const intact = readFileSync(journalPath, "utf8");
  // What a kill -9 in the middle of a write leaves behind.
  appendFileSync(journalPath, '{"kind":"request","method":"eth_sendTransa');

  const second = await startDevnet({ port: 0, stateDir, accounts: 1 });
  try {
    // The torn tail is truncated away; only whole entries follow (this start's session record).
    const repaired = readFileSync(journalPath, "utf8");
    assert.ok(repaired.startsWith(intact));
    for (const line of repaired.trimEnd().split("\n")) JSON.parse(line);
    assert.equal(await second.request("eth_blockNumber"), "0x1");
    assert.notEqual(await second.request("eth_getCode", [address, "latest"]), "0x");
    await second.request("evm_mine");
  } finally {
    await second.close();
  }
  const third = await startDevnet({ port: 0, stateDir, accounts: 1 });
  t.after(() => third.close());
  assert.equal(await third.request("eth_blockNumber"), "0x2");

  await assert.rejects(startDevnet({ port: 0, stateDir, accounts: 1, chainId: 5 }), {
    code: "DEVNET_STATE_MISMATCH",
  });
  const fresh = await startDevnet({ port: 0, stateDir, accounts: 1, chainId: 5, fresh: true });
  t.after(() => fresh.close());
  assert.equal(await fresh.request("eth_blockNumber"), "0x0");
});

async function spawnDevnetMain(t: { after(fn: () => void): void }, args: string[]) {
  const mainPath = fileURLToPath(import.meta.resolve("@cryptokube/runtime/devnet/main"));
  const child = spawn(process.execPath, [mainPath, "--port", "0", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  t.after(() => child.kill("SIGKILL"));
  const lines: string[] = [];
  let url: string | undefined;
  for await (const line of createInterface({ input: child.stdout })) {
    lines.push(line);
    url ??= /^HTTP JSON-RPC: (\S+)$/.exec(line)?.[1];
    if (line.startsWith("Account #1:")) break;
  }
  assert.ok(url, `no URL in output:\n${lines.join("\n")}`);
  return { child, url, lines };
}

test("main.ts prints URLs and accounts, answers eth_chainId and exits 0 on SIGTERM", async (t) => {
  const { child, url, lines } = await spawnDevnetMain(t, [
    "--chain-id",
    "4242",
    "--accounts",
    "2",
    "--balance",
    "5",
  ]);
  assert.ok(lines.some((line) => line === "Chain ID: 4242"));
  assert.ok(lines.some((line) => line.includes(`${HARDHAT_ACCOUNT_0} (5 ETH) private key 0xac09`)));
  const answer = (await postRaw(url, '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}'))
    .json as { result: string };
  assert.equal(answer.result, "0x1092");
  child.kill("SIGTERM");
  const [code] = await once(child, "exit");
  assert.equal(code, 0);
});

test("state written by a devnet process survives kill -9", async (t) => {
  const stateDir = tempDir(t);
  const { child, url } = await spawnDevnetMain(t, ["--accounts", "2", "--state-dir", stateDir]);
  const send = JSON.stringify({
    jsonrpc: "2.0",
    id: 1,
    method: "eth_sendTransaction",
    params: [{ from: HARDHAT_ACCOUNT_0, data: `${storeBytecode}${"0".repeat(63)}5` }],
  });
  const sent = (await postRaw(url, send)).json as { result: string };
  assert.match(sent.result, /^0x[0-9a-f]{64}$/);
  child.kill("SIGKILL");
  await once(child, "exit");

  const devnet = await startDevnet({ port: 0, accounts: 2, stateDir });
  t.after(() => devnet.close());
  const receipt = (await devnet.request("eth_getTransactionReceipt", [sent.result])) as {
    contractAddress: Address;
  };
  assert.equal(await devnet.request("eth_blockNumber"), "0x1");
  const { publicClient } = clientsFor(devnet);
  assert.equal(
    await publicClient.readContract({
      address: receipt.contractAddress,
      abi: storeAbi,
      functionName: "value",
    }),
    5n,
  );
});

test("main.ts rejects bad flags with a usage error and exit code 2", async () => {
  const mainPath = fileURLToPath(import.meta.resolve("@cryptokube/runtime/devnet/main"));
  const child = spawn(process.execPath, [mainPath, "--port", "eighty"], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  const [code] = await once(child, "exit");
  assert.equal(code, 2);
  assert.match(stderr, /--port expects a number/);
  assert.match(stderr, /usage:/);
});

test("devnets given the same genesisTime have the same genesis block; another time, another chain", async (t) => {
  const genesis = async (genesisTime: number) => {
    const devnet = await startDevnet({ port: 0, genesisTime });
    t.after(() => devnet.close());
    return (await devnet.request("eth_getBlockByNumber", ["0x0", false])) as {
      hash: string;
      timestamp: string;
    };
  };
  const [a, b, c] = await Promise.all([
    genesis(1_700_000_000),
    genesis(1_700_000_000),
    genesis(1_700_000_001),
  ]);
  assert.equal(Number(a.timestamp), 1_700_000_000);
  assert.equal(a.hash, b.hash);
  assert.notEqual(a.hash, c.hash);
  await assert.rejects(startDevnet({ port: 0, genesisTime: -1 }), /genesisTime must be an integer/);
});
