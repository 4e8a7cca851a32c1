import assert from "node:assert/strict";
import { test } from "node:test";
import type { Logger } from "pino";
import type { ChainContext, HeadNotice, SubscriptionSupport } from "../src/chains/chain-adapter.ts";
import type { ChainRuntime } from "../src/routing/create-chain-runtime.ts";
import { createHeadFeed, type HeadEvent } from "../src/ws/head-feed.ts";

/**
 * Test double for two upstreams that serve different chains under one chain id (two devnets
 * with different genesis blocks): whichever one answers alternates from call to call, as
 * routing by latency may do. Real devnets cannot be made to alternate on cue.
 */
function twoForksAlternating(): { support: SubscriptionSupport; calls: () => number } {
  let calls = 0;
  const hash = (fork: string, n: number) => `0x${fork}${n.toString(16).padStart(63, "0")}`;
  const fetchHead = async (_context: ChainContext, number: number): Promise<HeadNotice> => {
    const fork = calls++ % 2 === 0 ? "a" : "b";
    // A macrotask per answer, as an upstream's I/O is: a feed that never stops still lets
    // this test's timers run, and fails instead of hanging.
    await new Promise((resolve) => setImmediate(resolve));
    return {
      number,
      hash: hash(fork, number),
      parentHash: hash(fork, number - 1),
      payload: { number: `0x${number.toString(16)}` },
    };
  };
  const support = { fetchHead } as unknown as SubscriptionSupport; // only fetchHead is used
  return { support, calls: () => calls };
}

test("a feed whose upstreams disagree about the chain stops after a few reorgs and retries later, instead of spinning", async (t) => {
  let head = 10;
  const headListeners = new Set<(head: number) => void>();
  // Only what the feed reads of a chain runtime: its name, view, context and head events.
  const chain = {
    name: "eth",
    context: {} as ChainContext,
    view: () => ({ head, finalized: head - 2 }),
    onHead(listener: (head: number) => void) {
      headListeners.add(listener);
      return () => headListeners.delete(listener);
    },
  } as unknown as ChainRuntime;
  const warnings: string[] = [];
  const logger = {
    info() {},
    warn(fields: { err?: Error }) {
      warnings.push(fields.err?.message ?? "");
    },
  } as unknown as Logger;
  const { support, calls } = twoForksAlternating();
  const feed = createHeadFeed({ chain, support, retryMs: 100, logger });
  t.after(() => feed.stop());
  const events: HeadEvent[] = [];
  feed.subscribe((event) => events.push(event));

  for (let i = 0; i < 3; i++) {
    head++;
    for (const listener of headListeners) listener(head);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }

  // Unbounded, the feed would make thousands of calls in these 450 ms.
  assert.ok(calls() < 100, `${calls()} head fetches in 450 ms`);
  assert.ok(events.length < 100, `${events.length} head events in 450 ms`);
  assert.ok(
    warnings.some((message) => message.includes("the upstreams disagree about the chain")),
    `a warning names the disagreement (got ${JSON.stringify(warnings)})`,
  );
  assert.ok(
    events.filter((e) => e.removed).length <= events.filter((e) => !e.removed).length,
    "never more retractions than heads sent",
  );
});
