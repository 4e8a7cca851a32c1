import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { IndexerConfigInput } from "../src/config/schema.ts";
import { openDatabase } from "../src/db/open-database.ts";
import { RETRACTED_TYPE } from "../src/subscriptions/create-deliverer.ts";
import { recipients, startTestChain } from "./helpers/chain.ts";
import { assertDbMatchesChain } from "./helpers/compare-with-chain.ts";
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
import { startWebhookReceiver } from "./helpers/webhook-receiver.ts";

let postgres: PostgresServer | undefined;
before(async () => {
  if (postgresAvailable) postgres = await startPostgresServer();
});
after(() => postgres?.stop());

const backends = ["pglite", "postgres"] as const;

for (const backend of backends) {
  test(`${backend}: a reorg (snapshot, revert, different chain) leaves the database equal to the canonical chain and retracts delivered events`, async (t) => {
    if (backend === "postgres" && !needPostgres(t)) return;
    const chain = await startTestChain();
    t.after(() => chain.devnet.close());
    const token = await chain.deployToken();
    const receiver = await startWebhookReceiver();
    t.after(() => receiver.close());

    let config: IndexerConfigInput;
    let env: NodeJS.ProcessEnv = {};
    const contracts = [{ name: "Token", address: token, abi: JSON.stringify(tokenArtifact().abi) }];
    if (backend === "pglite") {
      config = indexerConfig(chain.devnet.url, await pgliteDataDir(t), { contracts });
    } else {
      const database = `reorg_${Date.now()}`;
      await postgres!.createDatabase(database);
      env = postgres!.envFor(database);
      config = indexerConfig(chain.devnet.url, "unused", {
        contracts,
        database: { kind: "postgres" },
      });
    }
    const { indexer, url } = await startIndexer(config, { env });
    let closed = false;
    t.after(() => (closed ? undefined : indexer.close()));
    await waitForIndexed(indexer, await chain.head());

    const created = await postJson(`${url}/api/subscriptions`, {
      url: receiver.url,
      filter: { address: token, event: "Transfer" },
    });
    assert.equal(created.status, 201);
    assert.match(created.body.id, /^[0-9a-f-]{36}$/);

    const snapshot = (await chain.devnet.request("evm_snapshot", [])) as string;
    const forkPoint = await chain.head();
    const [a, b, c] = recipients(3, 7);
    await chain.transfer(token, a!, 1n);
    await chain.transfer(token, b!, 2n);
    await chain.transfer(token, c!, 3n);
    await chain.mine(2);
    await waitForIndexed(indexer, forkPoint + 5);
    await waitFor("3 events delivered", () =>
      receiver.acknowledged.length >= 3 ? true : undefined,
    );
    const delivered = receiver.acknowledged.slice(0, 3);
    assert.deepEqual(
      delivered.map((e) => [e.type, e.data.args?.value]),
      [
        ["dev.cryptokube.event", "1"],
        ["dev.cryptokube.event", "2"],
        ["dev.cryptokube.event", "3"],
      ],
    );

    // Revert and build a longer, different chain from the fork point.
    assert.equal(await chain.devnet.request("evm_revert", [snapshot]), true);
    assert.equal(await chain.head(), forkPoint);
    await chain.transfer(token, a!, 42n);
    await chain.mine(7);
    const newHead = await chain.head();
    assert.equal(newHead, forkPoint + 8);

    const started = performance.now();
    await waitForIndexed(indexer, newHead);
    t.diagnostic(`reorg reconciled and caught up in ${Math.round(performance.now() - started)} ms`);
    await waitFor("retractions and the new event", () =>
      receiver.acknowledged.length >= 7 ? true : undefined,
    );
    const rest = receiver.acknowledged.slice(3);
    const retractions = rest.filter((e) => e.type === RETRACTED_TYPE);
    assert.equal(retractions.length, 3);
    assert.deepEqual(
      retractions.map((e) => e.id).sort(),
      delivered.map((e) => `${e.id}:retracted`).sort(),
    );
    // Retractions come before the replacing event, in order per subscription.
    assert.equal(rest[3]!.type, "dev.cryptokube.event");
    assert.equal(rest[3]!.data.args?.value, "42");
    assert.equal(receiver.acknowledged.length, 7);

    const metrics = await (await fetch(`${url}/metrics`)).text();
    assert.match(metrics, /cryptokube_indexer_reorgs_total 1/);
    assert.match(metrics, /cryptokube_indexer_last_reorg_depth_blocks 5/);
    assert.match(metrics, /cryptokube_indexer_deliveries_total\{type="retracted"\} 3/);
    const transfers = (await getJson(`${url}/api/events?event=Transfer&address=${token}`)).body
      .events;
    assert.deepEqual(
      transfers.map((e: { args: { value: string } }) => e.args.value),
      ["42", "1000000000000000000000000000000"],
    );

    closed = true;
    await indexer.close();
    const db = await openDatabase(config.database as never, env);
    try {
      const counts = await assertDbMatchesChain(db, chain.devnet.url);
      assert.equal(counts.blocks, newHead + 1);
      const [state] = await db.query<{ indexed_number: unknown; indexed_hash: string }>(
        "SELECT indexed_number, indexed_hash FROM sync_state",
      );
      assert.equal(Number(state!.indexed_number), newHead);
    } finally {
      await db.close();
    }
  });
}
