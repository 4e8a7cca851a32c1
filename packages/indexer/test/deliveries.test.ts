import assert from "node:assert/strict";
import { test } from "node:test";
import { toEventSelector } from "viem";
import { recipients, startTestChain } from "./helpers/chain.ts";
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

const TRANSFER_TOPIC = toEventSelector("Transfer(address,address,uint256)");

test("webhooks that fail, time out or refuse are retried without blocking others; order and cursors survive a restart", async (t) => {
  const chain = await startTestChain();
  t.after(() => chain.devnet.close());
  const token = await chain.deployToken();
  const dataDir = await pgliteDataDir(t);
  const config = indexerConfig(chain.devnet.url, dataDir, {
    contracts: [{ name: "Token", address: token, abi: JSON.stringify(tokenArtifact().abi) }],
    tuning: { deliveryTimeoutMs: 300, retryBaseMs: 100, retryMaxMs: 400 },
  });
  let { indexer, url } = await startIndexer(config);
  t.after(() => indexer.close());
  await waitForIndexed(indexer, await chain.head());

  const failing = await startWebhookReceiver((attempt) => (attempt <= 3 ? "fail" : "ok"));
  const hanging = await startWebhookReceiver((attempt) => (attempt <= 2 ? "hang" : "ok"));
  const healthy = await startWebhookReceiver();
  t.after(() => Promise.all([failing.close(), hanging.close(), healthy.close()]));

  // Bad subscription bodies are refused with what is wrong.
  const badUrl = await postJson(`${url}/api/subscriptions`, { url: "ftp://x", filter: {} });
  assert.equal(badUrl.status, 400);
  assert.match(badUrl.body.error, /url/);
  const badTopic = await postJson(`${url}/api/subscriptions`, {
    url: healthy.url,
    filter: { topics: ["0x12"] },
  });
  assert.equal(badTopic.status, 400);
  assert.match(badTopic.body.error, /filter\.topics\[0\]/);
  const unknownField = await postJson(`${url}/api/subscriptions`, {
    url: healthy.url,
    filter: { adress: token },
  });
  assert.equal(unknownField.status, 400);

  const subscribe = async (hookUrl: string, filter: unknown) => {
    const answer = await postJson(`${url}/api/subscriptions`, { url: hookUrl, filter });
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    return answer.body.id as string;
  };
  await subscribe(failing.url, { address: token, event: "Transfer" });
  await subscribe(hanging.url, { topics: [TRANSFER_TOPIC] });
  await subscribe(healthy.url, { event: "Transfer(address,address,uint256)" });
  const deadId = await subscribe("http://127.0.0.1:9/nothing-listens", { address: token });

  const to = recipients(5);
  for (const [i, address] of to.entries()) await chain.transfer(token, address, BigInt(i + 1));
  await waitForIndexed(indexer, await chain.head());

  const values = (list: typeof healthy.acknowledged) => list.map((e) => e.data.args?.value);
  await waitFor("healthy webhook gets all 5", () =>
    healthy.acknowledged.length === 5 ? true : undefined,
  );
  // The healthy one finished while the hanging one was still timing out.
  assert.ok(hanging.acknowledged.length < 5, "the healthy subscription waited for the hanging one");
  assert.deepEqual(values(healthy.acknowledged), ["1", "2", "3", "4", "5"]);

  await waitFor("failing and hanging webhooks catch up", () =>
    failing.acknowledged.length === 5 && hanging.acknowledged.length === 5 ? true : undefined,
  );
  assert.deepEqual(values(failing.acknowledged), ["1", "2", "3", "4", "5"]);
  assert.deepEqual(values(hanging.acknowledged), ["1", "2", "3", "4", "5"]);
  assert.ok(failing.attempts() >= 8, `failing webhook retried (${failing.attempts()} attempts)`);
  assert.ok(hanging.attempts() >= 7, `hanging webhook retried (${hanging.attempts()} attempts)`);

  const dead = (await getJson(`${url}/api/subscriptions/${deadId}`)).body.subscription;
  assert.ok(dead.failures >= 1);
  assert.match(dead.lastError, /fetch failed|ECONNREFUSED/);
  const metrics = await (await fetch(`${url}/metrics`)).text();
  const failures = Number(/cryptokube_indexer_delivery_failures_total (\d+)/.exec(metrics)?.[1]);
  assert.ok(failures >= 6, `delivery failures counted: ${failures}`);
  assert.equal((await postJson(`${url}/api/subscriptions/${deadId}`, "", "DELETE")).status, 204);
  assert.equal((await getJson(`${url}/api/subscriptions/${deadId}`)).status, 404);
  assert.equal((await postJson(`${url}/api/subscriptions/${deadId}`, "", "DELETE")).status, 404);

  // Restart: subscriptions and cursors come from the database; nothing is sent twice.
  await indexer.close();
  await chain.transfer(token, to[0]!, 6n);
  ({ indexer, url } = await startIndexer(config));
  const listed = (await getJson(`${url}/api/subscriptions`)).body.subscriptions;
  assert.equal(listed.length, 3);
  await waitFor("event after restart", () =>
    healthy.acknowledged.length === 6 ? true : undefined,
  );
  assert.deepEqual(values(healthy.acknowledged), ["1", "2", "3", "4", "5", "6"]);
  await waitFor("failing webhook gets the new event", () =>
    failing.acknowledged.length === 6 ? true : undefined,
  );
  assert.equal(new Set(healthy.acknowledged.map((e) => e.id)).size, 6);
});
