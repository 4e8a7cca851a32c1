import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { pino } from "pino";
import { type Address, pad, toEventSelector } from "viem";
import type { BlockData, LogRow } from "../src/chain/block-data.ts";
import type { IndexerConfigInput } from "../src/config/schema.ts";
import type { Database } from "../src/db/database.ts";
import { migrate } from "../src/db/migrate.ts";
import { openDatabase } from "../src/db/open-database.ts";
import { initCheckpoint, writeCheckpoint } from "../src/store/sync-state.ts";
import { insertBlockData } from "../src/store/write-blocks.ts";
import { createWriteLock, type WriteLock } from "../src/store/write-lock.ts";
import { EVENT_TYPE, RETRACTED_TYPE } from "../src/subscriptions/create-deliverer.ts";
import {
  createSubscriptionStore,
  type SubscriptionStore,
} from "../src/subscriptions/subscription-store.ts";
import { recipients, startTestChain, type TestChain } from "./helpers/chain.ts";
import {
  needPostgres,
  type PostgresServer,
  postgresAvailable,
  startPostgresServer,
} from "./helpers/postgres-server.ts";
import {
  getJson,
  indexerConfig,
  pgliteDataDir,
  postJson,
  startIndexer,
  waitForIndexed,
} from "./helpers/start-indexer.ts";
import { tokenArtifact } from "./helpers/token.ts";
import { waitFor } from "./helpers/wait-for.ts";
import { type Received, startWebhookReceiver } from "./helpers/webhook-receiver.ts";

const TRANSFER_TOPIC = toEventSelector("Transfer(address,address,uint256)");
const ABI = JSON.stringify(tokenArtifact().abi);

let postgres: PostgresServer | undefined;
before(async () => {
  if (postgresAvailable) postgres = await startPostgresServer();
});
after(() => postgres?.stop());

const blockOf = async (chain: TestChain, hash: `0x${string}`) =>
  Number.parseInt((await chain.receipt(hash)).blockNumber, 16);
const values = (list: Received[]) => list.map((e) => e.data.args?.value);
const position = (e: Received) => [e.data.blockNumber, e.data.logIndex];

/** Waits until `receiver` acknowledged exactly `count` events (a short settle catches extras). */
async function waitForExactly(
  what: string,
  receiver: { acknowledged: Received[] },
  count: number,
): Promise<void> {
  await waitFor(what, () => (receiver.acknowledged.length >= count ? true : undefined));
  await sleep(200);
  assert.equal(receiver.acknowledged.length, count, `${what}: no more than ${count}`);
}

for (const backend of ["pglite", "postgres"] as const) {
  test(`${backend}: a subscription with fromBlock gets the matching history in chain order, then live events, with no gap and no duplicate while ingest runs`, async (t) => {
    if (backend === "postgres" && !needPostgres(t)) return;
    const chain = await startTestChain();
    t.after(() => chain.devnet.close());
    const token = await chain.deployToken();
    const other = await chain.deployToken();
    const contracts = [
      { name: "Token", address: token, abi: ABI },
      { name: "Other", address: other, abi: ABI },
    ];
    let config: IndexerConfigInput;
    let env: NodeJS.ProcessEnv = {};
    if (backend === "pglite") {
      config = indexerConfig(chain.devnet.url, await pgliteDataDir(t), { contracts });
    } else {
      const database = `replay_${Date.now()}`;
      await postgres!.createDatabase(database);
      env = postgres!.envFor(database);
      config = indexerConfig(chain.devnet.url, "unused", {
        contracts,
        database: { kind: "postgres" },
      });
    }
    const { indexer, url } = await startIndexer(config, { env });
    t.after(() => indexer.close());
    await waitForIndexed(indexer, await chain.head());

    const witness = await startWebhookReceiver();
    const replayed = await startWebhookReceiver();
    const everything = await startWebhookReceiver();
    t.after(() => Promise.all([witness.close(), replayed.close(), everything.close()]));
    const filter = { address: token, event: "Transfer" };
    // The witness subscribes live before the history is made: what it receives is what live
    // ingest delivers, the reference for the replay.
    const live = await postJson(`${url}/api/subscriptions`, { url: witness.url, filter });
    assert.equal(live.status, 201, JSON.stringify(live.body));
    assert.equal(live.body.replay, undefined);

    // History with logs the filter must skip: another address, and another event (Mystery).
    const [a, b, c] = recipients(3, 11) as [Address, Address, Address];
    await chain.transfer(token, a, 1n);
    await chain.transfer(other, a, 100n);
    await chain.poke(token, 9n);
    const fromBlock = await blockOf(chain, await chain.transfer(token, b, 2n));
    await chain.transferMany(token, [a, b, c], 3n); // three logs in one block
    await chain.poke(token, 8n);
    await chain.transfer(other, b, 101n);
    await chain.transfer(token, c, 4n);
    await waitForIndexed(indexer, await chain.head());
    await waitFor("the witness gets the history live", () =>
      witness.acknowledged.length === 6 ? true : undefined,
    );

    // Create the replaying subscription while blocks keep arriving and being indexed.
    const producing = (async () => {
      for (let value = 5n; value <= 12n; value++) {
        await chain.transfer(token, a, value);
        if (value % 2n === 0n) await chain.transfer(other, a, value);
        await sleep(15);
      }
    })();
    await sleep(40);
    const created = await postJson(`${url}/api/subscriptions`, {
      url: replayed.url,
      filter,
      fromBlock: `0x${fromBlock.toString(16)}`,
    });
    await producing;
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const { replay } = created.body;
    assert.equal(replay.fromBlock, fromBlock);
    assert.ok(replay.events >= 5 && replay.events <= 13, `replayed ${replay.events}`);

    // A sentinel after everything: each worker sends in outbox order, so once it arrived
    // every earlier row (a duplicate included) has been sent.
    await chain.transfer(token, c, 99n);
    await waitForIndexed(indexer, await chain.head());
    await waitFor("the sentinel reaches both", () =>
      witness.acknowledged.at(-1)?.data.args?.value === "99" &&
      replayed.acknowledged.at(-1)?.data.args?.value === "99"
        ? true
        : undefined,
    );

    const expected = ["2", "3", "3", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "99"];
    assert.deepEqual(values(replayed.acknowledged), expected);
    // Same ids, types and payloads as live deliveries of the same logs, in the same order.
    assert.deepEqual(
      replayed.acknowledged,
      witness.acknowledged.filter((e) => e.data.blockNumber >= fromBlock),
    );
    assert.equal(new Set(replayed.acknowledged.map((e) => e.id)).size, expected.length);
    assert.ok(replayed.acknowledged.every((e) => e.type === EVENT_TYPE));
    // The seam: the replay covers the indexed head at creation, live events start after it.
    const seam = replayed.acknowledged.slice(replay.events - 1, replay.events + 1);
    assert.ok(seam[0]!.data.blockNumber <= replay.toBlock, JSON.stringify({ seam, replay }));
    assert.ok(seam[1]!.data.blockNumber > replay.toBlock, JSON.stringify({ seam, replay }));

    // fromBlock 0 (a JSON number) and an address-only filter replay every log of the
    // address, the mint and the Mystery events included, as the database holds them.
    const all = await postJson(`${url}/api/subscriptions`, {
      url: everything.url,
      filter: { address: token },
      fromBlock: 0,
    });
    assert.equal(all.status, 201, JSON.stringify(all.body));
    const stored = (await getJson(`${url}/api/events?address=${token}&limit=500`)).body.events;
    const inChainOrder = stored
      .map((e: { blockNumber: number; logIndex: number }) => [e.blockNumber, e.logIndex])
      .reverse();
    assert.equal(all.body.replay.events, inChainOrder.length);
    await waitForExactly("the full replay", everything, inChainOrder.length);
    assert.deepEqual(everything.acknowledged.map(position), inChainOrder);
    const transfers = (n: number) => Array<string>(n).fill("Transfer");
    assert.deepEqual(
      everything.acknowledged.map((e) => e.data.event),
      [
        ...transfers(2), // the mint, 1
        "Mystery",
        ...transfers(4), // 2, three times 3
        "Mystery",
        ...transfers(10), // 4, 5..12, 99
      ],
    );
    // Transfers in the full replay carry exactly the payloads live ingest delivered.
    const byId = new Map(witness.acknowledged.map((e) => [e.id, e]));
    const overlap = everything.acknowledged.filter((e) => byId.has(e.id));
    assert.equal(overlap.length, witness.acknowledged.length);
    for (const e of overlap) assert.deepEqual(e, byId.get(e.id));
  });
}

test("fromBlock is validated (400 naming it); a replay over tuning.maxReplayEvents is refused with nothing left behind; below startBlock and above the head are accepted", async (t) => {
  const chain = await startTestChain();
  t.after(() => chain.devnet.close());
  const token = await chain.deployToken(); // block 1, below startBlock: never indexed
  const to = recipients(5, 23) as Address[];
  for (const [i, address] of to.entries()) await chain.transfer(token, address, BigInt(i + 1));
  const config = indexerConfig(chain.devnet.url, await pgliteDataDir(t), {
    startBlock: 2,
    contracts: [{ name: "Token", address: token, abi: ABI }],
    tuning: { maxReplayEvents: 3 },
  });
  const { indexer, url } = await startIndexer(config);
  t.after(() => indexer.close());
  await waitForIndexed(indexer, await chain.head());
  const receiver = await startWebhookReceiver();
  const future = await startWebhookReceiver();
  const narrow = await startWebhookReceiver();
  t.after(() => Promise.all([receiver.close(), future.close(), narrow.close()]));
  const subscribe = (hookUrl: string, fromBlock: unknown, filter: unknown = { address: token }) =>
    postJson(`${url}/api/subscriptions`, { url: hookUrl, filter, fromBlock });

  for (const bad of [-1, 1.5, 2 ** 53, "abc", "0x", "-1", " 1", "1e3", "0x1g", true, {}, [1]]) {
    const answer = await subscribe(receiver.url, bad);
    assert.equal(answer.status, 400, `fromBlock ${JSON.stringify(bad)}: ${answer.body.error}`);
    assert.match(answer.body.error, /^fromBlock: expected a non-negative integer block number/);
  }
  const huge = await subscribe(receiver.url, "0x20000000000000");
  assert.equal(huge.status, 400);
  assert.match(huge.body.error, /^fromBlock: '0x20000000000000' is larger than the largest/);
  assert.deepEqual((await getJson(`${url}/api/subscriptions`)).body.subscriptions, []);

  // Five transfers are indexed (blocks 2..6); from block 0 means "all that is indexed".
  const refused = await subscribe(receiver.url, 0);
  assert.equal(refused.status, 422, JSON.stringify(refused.body));
  assert.equal(
    refused.body.error,
    "fromBlock: 5 indexed events match the filter from block 0, more than the replay limit " +
      "of 3; raise fromBlock or narrow the filter (nothing was created)",
  );
  assert.deepEqual((await getJson(`${url}/api/subscriptions`)).body.subscriptions, []);
  // No matcher was left behind either: it would queue rows for a subscription that does not
  // exist, and the foreign key would stop ingest.
  await chain.transfer(token, to[0]!, 6n);
  const head = await chain.head();
  await waitForIndexed(indexer, head);

  // Exactly the limit is allowed (blocks 5, 6, 7), given as a decimal string.
  const atLimit = await subscribe(receiver.url, "5");
  assert.equal(atLimit.status, 201, JSON.stringify(atLimit.body));
  assert.deepEqual(atLimit.body.replay, { fromBlock: 5, events: 3, toBlock: head });
  // Above the head: nothing to replay, live events follow.
  const ahead = await subscribe(future.url, head + 100);
  assert.equal(ahead.status, 201, JSON.stringify(ahead.body));
  assert.deepEqual(ahead.body.replay, { fromBlock: head + 100, events: 0, toBlock: head });
  // A narrower filter brings the same range under the limit.
  const toFirst = { topics: [TRANSFER_TOPIC, null, pad(to[0]!)] };
  const narrowed = await subscribe(narrow.url, 0, toFirst);
  assert.equal(narrowed.status, 201, JSON.stringify(narrowed.body));
  assert.equal(narrowed.body.replay.events, 2);

  await chain.transfer(token, to[0]!, 7n);
  await waitForIndexed(indexer, await chain.head());
  await waitForExactly("replay then live", receiver, 4);
  assert.deepEqual(values(receiver.acknowledged), ["4", "5", "6", "7"]);
  await waitForExactly("live only", future, 1);
  assert.deepEqual(values(future.acknowledged), ["7"]);
  await waitForExactly("narrowed replay then live", narrow, 3);
  assert.deepEqual(values(narrow.acknowledged), ["1", "6", "7"]);
  assert.equal((await getJson(`${url}/api/subscriptions`)).body.subscriptions.length, 3);
});

test("replayed events above the finalized line are retracted by a reorg like live ones", async (t) => {
  const chain = await startTestChain();
  t.after(() => chain.devnet.close());
  const token = await chain.deployToken();
  const config = indexerConfig(chain.devnet.url, await pgliteDataDir(t), {
    contracts: [{ name: "Token", address: token, abi: ABI }],
  });
  const { indexer, url } = await startIndexer(config);
  t.after(() => indexer.close());
  const receiver = await startWebhookReceiver();
  t.after(() => receiver.close());

  const snapshot = (await chain.devnet.request("evm_snapshot", [])) as string;
  const forkPoint = await chain.head();
  const [a] = recipients(1, 31) as [Address];
  for (const value of [1n, 2n, 3n]) await chain.transfer(token, a, value);
  await waitForIndexed(indexer, await chain.head());

  const created = await postJson(`${url}/api/subscriptions`, {
    url: receiver.url,
    filter: { address: token, event: "Transfer" },
    fromBlock: forkPoint + 1,
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.equal(created.body.replay.events, 3);
  await waitFor("the replay", () => (receiver.acknowledged.length === 3 ? true : undefined));
  const delivered = receiver.acknowledged.slice();
  assert.deepEqual(values(delivered), ["1", "2", "3"]);

  assert.equal(await chain.devnet.request("evm_revert", [snapshot]), true);
  await chain.transfer(token, a, 42n);
  await chain.mine(4);
  await waitForIndexed(indexer, await chain.head());
  await waitForExactly("retractions and the replacing event", receiver, 7);
  const rest = receiver.acknowledged.slice(3);
  assert.deepEqual(
    rest.slice(0, 3).map((e) => [e.type, e.id]),
    delivered.map((e) => [RETRACTED_TYPE, `${e.id}:retracted`]).reverse(),
  );
  assert.deepEqual([rest[3]!.type, rest[3]!.data.args?.value], [EVENT_TYPE, "42"]);
});

const WATCHED = `0x${"11".repeat(20)}`;
const ELSEWHERE = `0x${"22".repeat(20)}`;

/** One synthetic block whose logs alternate between addresses as `addressOf` says. */
function syntheticBlock(number: number, logs: number, addressOf: (i: number) => string): BlockData {
  const hash = `0x${number.toString(16).padStart(64, "0")}`;
  const rows: LogRow[] = Array.from({ length: logs }, (_, i) => ({
    block_number: number,
    log_index: i,
    block_hash: hash,
    tx_hash: hash,
    tx_index: 0,
    address: addressOf(i),
    topic0: TRANSFER_TOPIC,
    topic1: null,
    topic2: null,
    topic3: null,
    data: `0x${i.toString(16).padStart(64, "0")}`,
    contract: null,
    event: null,
    args: null,
  }));
  return {
    block: {
      number,
      hash,
      parent_hash: `0x${(number - 1).toString(16).padStart(64, "0")}`,
      timestamp: number,
      miner: ELSEWHERE,
      gas_used: "0",
      gas_limit: "30000000",
      base_fee_per_gas: null,
      tx_count: 0,
    },
    transactions: [],
    logs: rows,
  };
}

/** What the syncer does for one batch, minus the lock (callers decide about that). */
async function commitBlock(db: Database, store: SubscriptionStore, block: BlockData) {
  await db.transaction(async (tx) => {
    await insertBlockData(tx, [block]);
    await store.enqueueEvents(tx, block.logs, 31337);
    await writeCheckpoint(tx, block.block.number, block.block.hash);
  });
}

test("a creation waits for the batch holding the write lock, replays it page by page in chain order, and the next batch is live; a refused one leaves nothing", async (t) => {
  const db = await openDatabase({ kind: "pglite", dataDir: await pgliteDataDir(t) });
  t.after(() => db.close());
  await migrate(db, pino({ level: "silent" }));
  await initCheckpoint(db, 31337, 1);
  const lock: WriteLock = createWriteLock();
  const store = createSubscriptionStore({ db, writeLock: lock, maxReplayEvents: 10_000 });
  // More watched logs in one block than a replay page holds: the page cursor runs inside a block.
  const first = syntheticBlock(1, 7_000, (i) => (i % 7 === 3 ? ELSEWHERE : WATCHED));
  await lock.run(() => commitBlock(db, store, first));

  let release = () => {};
  const held = lock.run(() => new Promise<void>((resolve) => (release = resolve)));
  let settled = false;
  const creating = store
    .create({ url: "http://127.0.0.1:9/hook", filter: { address: WATCHED }, fromBlock: 1 })
    .finally(() => {
      settled = true;
    });
  await sleep(150);
  assert.equal(settled, false, "the creation must wait while a batch holds the write lock");
  // The batch in progress commits; it must be replayed, not delivered live, and not twice.
  const second = syntheticBlock(2, 3, () => WATCHED);
  await commitBlock(db, store, second);
  release();
  await held;
  const { subscription, replay } = await creating;
  const watched = first.logs.filter((l) => l.address === WATCHED).length + 3;
  assert.deepEqual(replay, { fromBlock: 1, events: watched, toBlock: 2 });
  const third = syntheticBlock(3, 2, (i) => (i === 0 ? WATCHED : ELSEWHERE));
  await lock.run(() => commitBlock(db, store, third));

  const rows = await db.query<{ kind: string; block_number: unknown; log_index: number }>(
    "SELECT kind, block_number, log_index FROM deliveries WHERE subscription_id = $1 ORDER BY seq",
    [subscription.id],
  );
  const expected = [first, second, third].flatMap((b) =>
    b.logs.filter((l) => l.address === WATCHED).map((l) => `${l.block_number}:${l.log_index}`),
  );
  assert.equal(rows.length, watched + 1);
  assert.deepEqual(
    rows.map((r) => `${Number(r.block_number)}:${r.log_index}`),
    expected,
  );
  assert.ok(rows.every((r) => r.kind === "event"));

  // Over the limit: the error says how many matched; no row, no outbox rows, no matcher.
  const strict = createSubscriptionStore({ db, writeLock: lock, maxReplayEvents: 100 });
  await assert.rejects(
    strict.create({ url: "http://127.0.0.1:9/hook", filter: {}, fromBlock: "0x0" }),
    (error: Error & { code?: string }) =>
      error.code === "INDEXER_REPLAY_TOO_LARGE" &&
      error.message.startsWith("fromBlock: 7005 indexed events match the filter from block 0"),
  );
  assert.deepEqual(strict.activeIds(), []);
  const counts = await db.query<{ subscriptions: unknown; deliveries: unknown }>(
    `SELECT (SELECT count(*) FROM subscriptions) AS subscriptions,
       (SELECT count(*) FROM deliveries) AS deliveries`,
  );
  assert.deepEqual(
    counts.map((c) => [Number(c.subscriptions), Number(c.deliveries)]),
    [[1, watched + 1]],
  );
});
