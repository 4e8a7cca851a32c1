import assert from "node:assert/strict";
import { connect, createServer, type Socket } from "node:net";
import { test } from "node:test";
import { type Devnet, startDevnet } from "@cryptokube/runtime/devnet";
import type { Hex } from "viem";
import { genesisTimeOf, mineInLockstep, startDevnets } from "./helpers/devnets.ts";
import { metricValue, rpc, startGateway, waitFor } from "./helpers/gateway.ts";

const READS: [string, unknown[]][] = [
  ["eth_blockNumber", []],
  ["eth_getBlockByNumber", ["latest", false]],
  ["eth_getBalance", ["0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", "latest"]],
  ["eth_getTransactionCount", ["0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"]],
  ["eth_call", [{ to: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", data: "0x" }, "latest"]],
];

/**
 * Mines empty blocks on `target` up to `source`'s head, so a restarted devnet is level with the
 * others again. Timestamps follow the source's where they can: a devnet restarted later has a
 * later genesis, and a slow machine can put it past the source's first blocks.
 */
async function catchUpFrom(source: Devnet, target: Devnet): Promise<void> {
  const head = Number(await source.request("eth_blockNumber", []));
  const from = Number(await target.request("eth_blockNumber", [])) + 1;
  let previous = Number(
    ((await target.request("eth_getBlockByNumber", ["latest", false])) as { timestamp: Hex })
      .timestamp,
  );
  for (let n = from; n <= head; n++) {
    const block = (await source.request("eth_getBlockByNumber", [
      `0x${n.toString(16)}`,
      false,
    ])) as { timestamp: Hex };
    previous = Math.max(Number(block.timestamp), previous + 1);
    await target.request("evm_mine", [previous]);
  }
}

test("stopping one upstream under read load fails no client request; it rejoins after restart", async (t) => {
  const devnets = await startDevnets(t, 3);
  await mineInLockstep(devnets, 5);
  const { gateway, rpcUrl } = await startGateway(t, devnets);

  let stop = false;
  let ok = 0;
  const failures: string[] = [];
  const worker = async (seed: number) => {
    for (let i = seed; !stop; i++) {
      const [method, params] = READS[i % READS.length]!;
      try {
        const reply = await rpc(rpcUrl, method, params);
        if (reply.error !== undefined || reply.result === null)
          failures.push(`${method}: ${JSON.stringify(reply)}`);
        else ok++;
      } catch (error) {
        failures.push(`${method}: ${(error as Error).message}`);
      }
    }
  };
  const workers = [0, 1, 2, 3].map(worker);
  const victim = devnets[1]!;
  const port = Number(new URL(victim.url).port);
  try {
    await new Promise((r) => setTimeout(r, 300));
    await victim.close();
    await mineInLockstep([devnets[0]!, devnets[2]!], 2);
    await waitFor(
      () => gateway.health().chains.eth?.upstreams[1]?.status === "unreachable",
      2_000,
      "the stopped upstream to be marked unreachable",
    );
    await new Promise((r) => setTimeout(r, 300));

    // Restarted as a node of the same chain: same genesis block, then the others' blocks.
    const restarted = await startDevnet({ port, genesisTime: await genesisTimeOf(devnets[0]!) });
    t.after(() => restarted.close());
    await catchUpFrom(devnets[0]!, restarted);
    await waitFor(
      () => gateway.health().chains.eth?.upstreams[1]?.status === "healthy",
      2_000,
      "the restarted upstream to rejoin",
    );
    const servedOk = async () =>
      metricValue(await gateway.metricsText(), "cryptokube_gateway_upstream_requests_total", {
        upstream: "node1",
        outcome: "ok",
      });
    // Routing favours the lowest recent latency, and the rejoined node's estimate comes from probes
    // taken while the machine was busy catching it up; the occasional exploratory pick brings it
    // back into play, so allow it a few seconds rather than a fixed window.
    const servedBefore = await servedOk();
    const rejoinedAfterMs = await waitFor(
      async () => (await servedOk()) > servedBefore,
      5_000,
      "the rejoined upstream to serve requests again",
    );
    t.diagnostic(
      `the rejoined upstream served client requests ${Math.round(rejoinedAfterMs)} ms after it was healthy`,
    );
    await waitFor(() => ok > 100, 10_000, "100 client reads (load too light to mean anything)");
  } finally {
    stop = true;
    await Promise.all(workers);
  }
  assert.deepEqual(failures.slice(0, 5), [], `${failures.length} failed requests`);
  const transportErrors = metricValue(
    await gateway.metricsText(),
    "cryptokube_gateway_upstream_requests_total",
    {
      upstream: "node1",
      outcome: "transport_error",
    },
  );
  t.diagnostic(
    `${ok} reads succeeded; ${transportErrors} upstream transport errors absorbed by failover`,
  );
});

/**
 * A loopback TCP proxy whose death is abrupt: in-flight requests see a reset, new ones a refusal.
 * `hold()` stops passing what the gateway sends on to the node, so requests sent from then on stay
 * unanswered until the kill: the test can make sure some are in flight when it comes.
 */
async function startKillableProxy(
  target: string,
): Promise<{ url: string; hold(): void; kill(): void }> {
  const { port: targetPort } = new URL(target);
  const sockets = new Set<Socket>();
  let holding = false;
  const server = createServer((client) => {
    const upstream = connect(Number(targetPort), "127.0.0.1");
    sockets.add(client).add(upstream);
    client.on("data", (chunk) => {
      if (!holding) upstream.write(chunk);
    });
    upstream.pipe(client);
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    hold() {
      holding = true;
    },
    kill() {
      server.close();
      for (const socket of sockets) socket.resetAndDestroy();
    },
  };
}

for (const calls of ["ws", "http"] as const) {
  test(`an upstream dying abruptly mid-request (calls over ${calls}): reads fail over to another upstream`, async (t) => {
    const devnets = await startDevnets(t, 2);
    await mineInLockstep(devnets, 3);
    const proxy = await startKillableProxy(devnets[0]!.url);
    t.after(() => proxy.kill());
    // Slow probes: the request path, not the prober, has to notice the death.
    const { gateway, rpcUrl } = await startGateway(
      t,
      [{ ...devnets[0]!, url: proxy.url, wsUrl: proxy.url.replace(/^http/, "ws") }, devnets[1]!],
      { limits: { probeIntervalMs: 500 }, calls },
    );
    let stop = false;
    const failures: string[] = [];
    let ok = 0;
    const workers = Array.from({ length: 6 }, async (_, w) => {
      for (let i = w; !stop; i++) {
        const reply = await rpc(rpcUrl, "eth_getBalance", [
          `0x${(i + 1).toString(16).padStart(40, "0")}`,
          "latest",
        ]);
        if (reply.error !== undefined) failures.push(JSON.stringify(reply.error));
        else ok++;
      }
    });
    try {
      await waitFor(() => ok >= 20, 10_000, "20 reads before the kill");
      // Requests routed to node0 from now on hang in the proxy; the kill has to fail them over.
      proxy.hold();
      await waitFor(
        () => (gateway.health().chains.eth?.upstreams[0]?.inflight ?? 0) > 0,
        10_000,
        "a client request in flight on node0",
      );
      proxy.kill();
      const okAtKill = ok;
      await waitFor(() => ok >= okAtKill + 20, 10_000, "20 reads after the kill");
    } finally {
      stop = true;
      await Promise.all(workers);
    }
    const transportErrors = metricValue(
      await gateway.metricsText(),
      "cryptokube_gateway_upstream_requests_total",
      {
        upstream: "node0",
        outcome: "transport_error",
      },
    );
    t.diagnostic(
      `${ok} reads; ${transportErrors} transport errors on the dead upstream were retried elsewhere`,
    );
    assert.ok(transportErrors >= 1, "the dead upstream was hit by requests, not only by probes");
    assert.deepEqual(failures, []);
    assert.notEqual(gateway.health().chains.eth?.upstreams[0]?.status, "healthy");
  });
}
