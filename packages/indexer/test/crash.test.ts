import assert from "node:assert/strict";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { openDatabase } from "../src/db/open-database.ts";
import { recipients, startTestChain } from "./helpers/chain.ts";
import { assertDbMatchesChain } from "./helpers/compare-with-chain.ts";
import { spawnIndexer, statusOf, waitForProcessIndexed } from "./helpers/indexer-process.ts";
import { indexerConfig, pgliteDataDir } from "./helpers/start-indexer.ts";
import { tokenArtifact } from "./helpers/token.ts";

const KILLS = 5;

test("kill -9 at random points during a backfill, then restart: the database matches the chain exactly", async (t) => {
  const chain = await startTestChain();
  t.after(() => chain.devnet.close());
  const token = await chain.deployToken();
  const to = recipients(4);
  for (let i = 0; i < 150; i++) await chain.transferMany(token, to, BigInt(i + 1));
  await chain.mine(100); // empty blocks too
  const head = await chain.head();

  const dataDir = await pgliteDataDir(t);
  // Small batches: many commits, so the kills land between and inside transactions.
  const config = indexerConfig(chain.devnet.url, dataDir, {
    contracts: [{ name: "Token", address: token, abi: JSON.stringify(tokenArtifact().abi) }],
    tuning: { batchBlocks: 4, prefetchWindows: 2 },
  });
  const killedAt: number[] = [];
  let previous = -1;
  for (let kill = 0; kill < KILLS; kill++) {
    const child = spawnIndexer(config);
    t.after(() => child.kill("SIGKILL"));
    const url = await child.url;
    // Kill at a random height ahead of where the last run stopped, or after a random delay.
    const target =
      previous + 1 + Math.floor(Math.random() * ((head - previous) / (KILLS - kill + 1)));
    const deadline = Date.now() + 10_000;
    let seen = -1;
    while (Date.now() < deadline) {
      seen = (await statusOf(url)).indexedHead ?? -1;
      if (seen >= target) break;
      await sleep(Math.random() * 15);
    }
    const exit = await child.kill("SIGKILL");
    assert.equal(exit.signal, "SIGKILL");
    assert.ok(seen < head, `run ${kill} finished the backfill before being killed`);
    killedAt.push(seen);
    previous = Math.max(previous, seen);
  }
  t.diagnostic(`killed at indexed heads ${killedAt.join(", ")} of ${head}`);

  const final = spawnIndexer(config);
  t.after(() => final.kill("SIGKILL"));
  const url = await final.url;
  await waitForProcessIndexed(url, head).catch((error: unknown) => {
    throw new Error(`${(error as Error).message}\n${final.logs.slice(-30).join("\n")}`);
  });
  const exit = await final.kill("SIGTERM");
  assert.equal(exit.code, 0, final.logs.join("\n"));

  const db = await openDatabase(config.database as never);
  try {
    const counts = await assertDbMatchesChain(db, chain.devnet.url);
    assert.equal(counts.blocks, head + 1);
    assert.equal(counts.logs, 1 + 150 * 4);
    const [decoded] = await db.query<{ n: unknown }>(
      "SELECT count(*) AS n FROM logs WHERE event = 'Transfer'",
    );
    assert.equal(Number(decoded!.n), 1 + 150 * 4);
  } finally {
    await db.close();
  }
});
