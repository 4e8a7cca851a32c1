import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import { test } from "node:test";
import { pino } from "pino";
import { encodeFunctionData } from "viem";
import { startTestChain } from "./helpers/chain.ts";
import {
  getJson,
  indexerConfig,
  pgliteDataDir,
  postJson,
  startIndexer,
  waitForIndexed,
} from "./helpers/start-indexer.ts";
import { tokenAbiWithoutMystery, tokenArtifact } from "./helpers/token.ts";
import { waitFor } from "./helpers/wait-for.ts";

const ALICE = "0x00000000000000000000000000000000000a11ce";

test("indexes a devnet and serves blocks, transactions, addresses, events and search", async (t) => {
  const chain = await startTestChain();
  t.after(() => chain.devnet.close());
  const token = await chain.deployToken();
  const transferHash = await chain.transfer(token, ALICE, 1234n);
  const pokeHash = await chain.poke(token, 7n);
  const head = await chain.head();

  const dataDir = await pgliteDataDir(t);
  const { indexer, url } = await startIndexer(
    indexerConfig(chain.devnet.url, dataDir, {
      contracts: [{ name: "Token", address: token, abi: JSON.stringify(tokenAbiWithoutMystery()) }],
    }),
  );
  t.after(() => indexer.close());
  await waitForIndexed(indexer, head);

  assert.equal((await getJson(`${url}/healthz`)).status, 200);
  assert.equal((await getJson(`${url}/readyz`)).status, 200);
  const status = (await getJson(`${url}/api/status`)).body;
  assert.deepEqual(
    { chainId: status.chainId, chainHead: status.chainHead, indexedHead: status.indexedHead },
    { chainId: 31337, chainHead: head, indexedHead: head },
  );
  assert.equal(status.lag, 0);
  assert.equal(status.startBlock, 0);

  const blocks = (await getJson(`${url}/api/blocks?limit=2`)).body.blocks;
  assert.equal(blocks.length, 2);
  assert.equal(blocks[0].number, head);
  assert.match(blocks[0].hash, /^0x[0-9a-f]{64}$/);
  assert.equal(blocks[0].parentHash, blocks[1].hash);
  assert.equal(typeof blocks[0].gasUsed, "string");
  const older = (await getJson(`${url}/api/blocks?limit=20&before=${head}`)).body.blocks;
  assert.equal(older[0].number, head - 1);
  assert.equal(older.length, head); // blocks head-1 .. 0

  const byNumber = (await getJson(`${url}/api/blocks/${head - 1}`)).body.block;
  assert.equal(byNumber.transactions[0].hash, transferHash);
  const byHash = (await getJson(`${url}/api/blocks/${byNumber.hash}`)).body.block;
  assert.equal(byHash.number, head - 1);

  const txs = (await getJson(`${url}/api/txs?limit=3`)).body.txs;
  assert.deepEqual(
    txs.map((tx: { hash: string }) => tx.hash),
    [pokeHash, transferHash, txs[2].hash],
  );
  assert.equal(txs[0].status, "success");

  const tx = (await getJson(`${url}/api/txs/${transferHash}`)).body.tx;
  assert.equal(tx.to, token.toLowerCase());
  assert.equal(tx.from, chain.from.toLowerCase());
  assert.equal(tx.value, "0");
  assert.equal(tx.blockNumber, head - 1);
  assert.deepEqual(tx.decodedInput, {
    contract: "Token",
    function: "transfer",
    args: { to: ALICE, value: "1234" },
  });
  assert.equal(tx.logs.length, 1);
  assert.deepEqual(tx.logs[0].decoded, {
    contract: "Token",
    event: "Transfer",
    args: { from: chain.from.toLowerCase(), to: ALICE, value: "1234" },
  });

  // The Mystery event is not in the registered ABI: stored raw, not decoded.
  const poke = (await getJson(`${url}/api/txs/${pokeHash}`)).body.tx;
  assert.equal(poke.logs.length, 1);
  assert.equal(poke.logs[0].decoded, undefined);
  assert.equal(poke.logs[0].topics.length, 2);
  assert.equal(BigInt(poke.logs[0].topics[1]), 7n);

  const deployTx = (await getJson(`${url}/api/blocks/1`)).body.block.transactions[0];
  const deployed = (await getJson(`${url}/api/txs/${deployTx.hash}`)).body.tx;
  assert.equal(deployed.contractAddress, token.toLowerCase());

  const alice = (await getJson(`${url}/api/addresses/${ALICE}`)).body;
  assert.equal(alice.address, ALICE);
  assert.equal(alice.contract, undefined);
  const tokenPage = (await getJson(`${url}/api/addresses/${token}`)).body;
  assert.deepEqual(tokenPage.contract, { name: "Token" });
  assert.equal(tokenPage.events.length, 3); // mint, transfer, mystery
  assert.ok(tokenPage.txs.some((x: { hash: string }) => x.hash === transferHash));

  const transfers = (await getJson(`${url}/api/events?event=Transfer&address=${token}`)).body
    .events;
  assert.equal(transfers.length, 2);
  assert.equal(transfers[0].txHash, transferHash);
  assert.equal(transfers[0].contract, "Token");
  assert.equal(transfers[0].args.value, "1234");

  assert.deepEqual((await getJson(`${url}/api/search?q=${head}`)).body, {
    kind: "block",
    id: String(head),
  });
  assert.deepEqual((await getJson(`${url}/api/search?q=${transferHash}`)).body, {
    kind: "tx",
    id: transferHash,
  });
  assert.deepEqual((await getJson(`${url}/api/search?q=${byNumber.hash}`)).body, {
    kind: "block",
    id: String(head - 1),
  });
  assert.deepEqual((await getJson(`${url}/api/search?q=${ALICE}`)).body, {
    kind: "address",
    id: ALICE,
  });
  assert.deepEqual((await getJson(`${url}/api/search?q=hello`)).body, { kind: "none", id: null });

  // Bad input and unknown ids.
  const badLimit = await getJson(`${url}/api/blocks?limit=abc`);
  assert.equal(badLimit.status, 400);
  assert.match(badLimit.body.error, /limit/);
  assert.equal((await getJson(`${url}/api/txs/0x1234`)).status, 400);
  assert.equal((await getJson(`${url}/api/txs/0x${"ab".repeat(32)}`)).status, 404);
  assert.equal((await getJson(`${url}/api/blocks/99999`)).status, 404);
  assert.equal((await getJson(`${url}/api/addresses/nope`)).status, 400);
  assert.equal((await getJson(`${url}/api/nothing`)).status, 404);
  assert.equal((await postJson(`${url}/api/contracts`, "{not json")).status, 400);

  const metrics = await (await fetch(`${url}/metrics`)).text();
  assert.match(metrics, new RegExp(`cryptokube_indexer_indexed_head_block ${head}`));
  assert.match(metrics, new RegExp(`cryptokube_indexer_chain_head_block ${head}`));
  assert.match(metrics, /cryptokube_indexer_lag_blocks 0/);
  assert.match(metrics, /cryptokube_indexer_rows_written_total\{table="logs"\} 3/);
});

test("contracts registered later (API, deploy artifacts) decode already-indexed logs; a malformed ABI is refused with where/what", async (t) => {
  const chain = await startTestChain();
  t.after(() => chain.devnet.close());
  const first = await chain.deployToken();
  const second = await chain.deployToken();
  await chain.transfer(first, ALICE, 5n);
  await chain.transfer(second, ALICE, 6n);
  const dataDir = await pgliteDataDir(t);
  const { indexer, url } = await startIndexer(indexerConfig(chain.devnet.url, dataDir));
  t.after(() => indexer.close());
  await waitForIndexed(indexer, await chain.head());

  const undecoded = (await getJson(`${url}/api/events?address=${first}`)).body.events;
  assert.equal(undecoded.length, 2);
  assert.equal(undecoded[0].event, null);

  const malformed = [
    { abi: "[{", where: /abi: not valid JSON/ },
    { abi: { nope: 1 }, where: /abi: expected a JSON array/ },
    {
      abi: [{ type: "event", name: "X", inputs: [{ name: "a", type: "uint257" }] }],
      where: /abi\[0\]\.inputs\[0\]\.type: 'uint257' is not a Solidity type/,
    },
    { abi: [{ type: "event", inputs: [] }], where: /abi\[0\]\.name/ },
  ];
  for (const { abi, where } of malformed) {
    const answer = await postJson(`${url}/api/contracts`, { name: "Bad", address: first, abi });
    assert.equal(answer.status, 400, JSON.stringify(answer.body));
    assert.match(answer.body.error, where);
  }
  const badAddress = await postJson(`${url}/api/contracts`, {
    name: "Bad",
    address: "0x12",
    abi: [],
  });
  assert.equal(badAddress.status, 400);
  assert.match(badAddress.body.error, /address/);
  // Nothing was registered by the refused attempts.
  assert.deepEqual((await getJson(`${url}/api/contracts`)).body.contracts, []);

  const registered = await postJson(`${url}/api/contracts`, {
    name: "First",
    address: first,
    abi: tokenArtifact().abi,
  });
  assert.equal(registered.status, 201);
  assert.equal(registered.body.contract.address, first.toLowerCase());
  const decoded = (await getJson(`${url}/api/events?address=${first}`)).body.events;
  assert.deepEqual(
    decoded.map((e: { event: string; args: { value: string } }) => [e.event, e.args.value]),
    [
      ["Transfer", "5"],
      ["Transfer", "1000000000000000000000000000000"],
    ],
  );

  // A deploy artifact dropped into <dataDir>/contracts registers the second token.
  mkdirSync(join(dataDir, "contracts"), { recursive: true });
  writeFileSync(join(dataDir, "contracts", "broken.json"), "{ this is not json");
  writeFileSync(
    join(dataDir, "contracts", "Second.json"),
    JSON.stringify({ name: "Second", address: second, abi: tokenArtifact().abi }),
  );
  await waitFor("artifact registration", async () => {
    const events = (await getJson(`${url}/api/events?address=${second}&event=Transfer`)).body
      .events;
    return events.length === 2 ? events : undefined;
  });
  const names = (await getJson(`${url}/api/contracts`)).body.contracts.map(
    (c: { name: string }) => c.name,
  );
  assert.deepEqual(names.sort(), ["First", "Second"]);

  // Indexing goes on after the bad inputs, and new calls decode their input.
  const data = encodeFunctionData({
    abi: tokenArtifact().abi,
    functionName: "transfer",
    args: [ALICE, 9n],
  });
  const hash = await chain.send({ to: second, data });
  await waitForIndexed(indexer, await chain.head());
  const tx = (await getJson(`${url}/api/txs/${hash}`)).body.tx;
  assert.equal(tx.decodedInput.contract, "Second");
  assert.equal(tx.logs[0].decoded.args.value, "9");
});

test("a backfill longer than one batch logs when it reaches the chain head, with its rate", async (t) => {
  const chain = await startTestChain();
  t.after(() => chain.devnet.close());
  await chain.mine(30);
  const head = await chain.head();
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const { indexer } = await startIndexer(
    indexerConfig(chain.devnet.url, await pgliteDataDir(t), { tuning: { batchBlocks: 8 } }),
    { logger: pino(sink) },
  );
  t.after(() => indexer.close());
  await waitForIndexed(indexer, head);
  const reached = await waitFor(
    "the backfill's log line",
    () => lines.find((line) => line.msg === "backfill reached the chain head"),
    5_000,
  );
  assert.equal(reached.from, 0);
  assert.equal(reached.to, head);
  assert.ok(Number(reached.blocksPerSecond) > 0, JSON.stringify(reached));

  // Following the head one block at a time is not a backfill: no second line.
  await chain.mine(1);
  await waitForIndexed(indexer, head + 1);
  assert.equal(lines.filter((line) => line.msg === "backfill reached the chain head").length, 1);
});
