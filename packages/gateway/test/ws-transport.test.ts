/**
 * The WebSocket upstream transport against scripted servers (test doubles for nodes that
 * misbehave on purpose: answers out of order, dropped connections, handshakes that never end).
 * The gateway's other tests run it against real devnets.
 */
import assert from "node:assert/strict";
import { createServer as createHttpServer } from "node:http";
import { createServer as createTcpServer, Socket } from "node:net";
import { type TestContext, test } from "node:test";
import { type WebSocket, WebSocketServer } from "ws";
import { parseGatewayConfig } from "../src/config/parse-config.ts";
import { createTransport } from "../src/upstreams/create-transport.ts";
import { UpstreamTransportError } from "../src/upstreams/upstream-transport.ts";
import { createWsTransport } from "../src/upstreams/ws-transport.ts";

interface Call {
  id: number;
  method: string;
}

/** A scripted WebSocket "node" on loopback; `onCall` decides what each connection does. */
async function scriptedWsServer(
  t: TestContext,
  onCall: (socket: WebSocket, call: Call, connection: number) => void,
): Promise<{ url: string; connections: () => number }> {
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  let connections = 0;
  server.on("connection", (socket) => {
    const connection = ++connections;
    socket.on("message", (data) => onCall(socket, JSON.parse(data.toString()) as Call, connection));
  });
  t.after(() => {
    for (const client of server.clients) client.terminate();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const { port } = server.address() as { port: number };
  return { url: `ws://127.0.0.1:${port}`, connections: () => connections };
}

/** A reply as transports give it: the parsed result and the node's own text of it. */
const reply = (result: unknown) => ({ result, resultJson: JSON.stringify(result) });
const answer = (socket: WebSocket, id: unknown, result: unknown) =>
  socket.send(JSON.stringify({ jsonrpc: "2.0", id, result }));

test("answers are matched to calls by the transport's ids, out of order; notices and stray ids are ignored", async (t) => {
  const waiting: Array<{ socket: WebSocket; call: Call }> = [];
  const { url } = await scriptedWsServer(t, (socket, call) => {
    waiting.push({ socket, call });
    if (waiting.length < 3) return;
    socket.send(
      JSON.stringify({ jsonrpc: "2.0", method: "eth_subscription", params: { result: 1 } }),
    );
    answer(socket, 999_999, "stray");
    socket.send("not json");
    for (const { socket: s, call: c } of waiting.reverse()) answer(s, c.id, `${c.method}!`);
  });
  const transport = createWsTransport({ name: "scripted", url });
  t.after(() => transport.close());
  const replies = await Promise.all(
    ["eth_chainId", "eth_blockNumber", "net_version"].map((method) =>
      transport.call(method, [], 5_000),
    ),
  );
  assert.deepEqual(replies, [
    reply("eth_chainId!"),
    reply("eth_blockNumber!"),
    reply("net_version!"),
  ]);
});

test("calls made in one event-loop turn leave in one socket write, a frame each", async (t) => {
  const { url } = await scriptedWsServer(t, (socket, call) => answer(socket, call.id, call.method));
  const port = Number(new URL(url).port);
  // Counts the writes the client's sockets hand to the kernel (one per _write/_writev call).
  const writes: number[] = [];
  type Writer = (this: Socket, ...args: unknown[]) => unknown;
  const proto = Socket.prototype as unknown as Record<"_write" | "_writev", Writer>;
  const original = { _write: proto._write, _writev: proto._writev };
  for (const name of ["_write", "_writev"] as const) {
    proto[name] = function (this: Socket, ...args: unknown[]) {
      if (this.remotePort === port) writes.push(Array.isArray(args[0]) ? args[0].length : 1);
      return original[name].apply(this, args);
    };
  }
  t.after(() => Object.assign(proto, original));
  const exchanges: number[] = [];
  const transport = createWsTransport({
    name: "counted",
    url: `ws://127.0.0.1:${port}`,
    onExchange: (calls) => exchanges.push(calls),
  });
  t.after(() => transport.close());
  assert.deepEqual(await transport.call("warm_up", [], 5_000), reply("warm_up"));
  writes.length = 0;
  exchanges.length = 0;
  const replies = await Promise.all(
    ["eth_chainId", "eth_blockNumber", "net_version"].map((method) =>
      transport.call(method, [], 5_000),
    ),
  );
  assert.deepEqual(replies, [reply("eth_chainId"), reply("eth_blockNumber"), reply("net_version")]);
  assert.deepEqual(exchanges, [3]);
  assert.equal(writes.length, 1, `three calls in ${writes.length} writes`);
  await transport.call("eth_gasPrice", [], 5_000);
  assert.deepEqual(exchanges, [3, 1], "a call in a later turn is a write of its own");
});

test("a dropped connection fails its waiting calls as transport errors; the next call connects again", async (t) => {
  const { url, connections } = await scriptedWsServer(t, (socket, call, connection) => {
    if (connection === 1) socket.terminate();
    else answer(socket, call.id, "0x1");
  });
  const transport = createWsTransport({ name: "scripted", url, reconnectDelayMs: 0 });
  t.after(() => transport.close());
  await assert.rejects(
    transport.call("eth_blockNumber", [], 5_000),
    (error: unknown) =>
      error instanceof UpstreamTransportError &&
      error.code === "GATEWAY_UPSTREAM_UNREACHABLE" &&
      /upstream "scripted" failed: connection closed/.test(error.message) &&
      !error.message.includes(url),
  );
  assert.deepEqual(await transport.call("eth_blockNumber", [], 5_000), reply("0x1"));
  assert.equal(connections(), 2);
});

test("a server that accepts and never completes the handshake: calls time out, and connecting is tried again", async (t) => {
  const sockets = new Set<Socket>();
  const silent = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  t.after(() => {
    for (const socket of sockets) socket.destroy();
    return new Promise<void>((resolve) => silent.close(() => resolve()));
  });
  const url = `ws://127.0.0.1:${(silent.address() as { port: number }).port}`;

  // The call's own timeout comes first.
  const patient = createWsTransport({ name: "silent", url, connectTimeoutMs: 60_000 });
  t.after(() => patient.close());
  await assert.rejects(patient.call("eth_blockNumber", [], 200), /no answer within 200 ms/);

  // The handshake's timeout comes first: the attempt fails, and the next call tries again.
  const hasty = createWsTransport({
    name: "silent",
    url,
    connectTimeoutMs: 100,
    reconnectDelayMs: 0,
  });
  t.after(() => hasty.close());
  const before = sockets.size;
  for (let i = 0; i < 2; i++) {
    await assert.rejects(
      hasty.call("eth_blockNumber", [], 60_000),
      (error: unknown) =>
        error instanceof UpstreamTransportError && /handshake has timed out/.test(error.message),
    );
  }
  assert.equal(sockets.size - before, 2, "one connection attempt per call");
});

test("with a ws URL, ordinary calls use the WebSocket and eth_getLogs uses HTTP; calls: http sends all over HTTP", async (t) => {
  const overWs: string[] = [];
  const { url: ws } = await scriptedWsServer(t, (socket, call) => {
    overWs.push(call.method);
    answer(socket, call.id, "ws");
  });
  const overHttp: string[] = [];
  const server = createHttpServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const call = JSON.parse(Buffer.concat(chunks).toString()) as Call;
      overHttp.push(call.method);
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify({ jsonrpc: "2.0", id: call.id, result: "http" }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const http = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const upstream = (calls?: "ws" | "http") => {
    const config = parseGatewayConfig({
      host: "127.0.0.1",
      port: 0,
      maxLag: 3,
      cache: { maxBytes: 0, finalityDepth: 2 },
      apiKeys: [],
      chains: [
        {
          name: "eth",
          type: "ethereum",
          upstreams: [{ name: "node", http, ws, ...(calls === undefined ? {} : { calls }) }],
        },
      ],
    });
    return config.chains[0]!.upstreams[0]!;
  };
  const hooks = { onExchange: () => {}, onBatchesRefused: () => {} };

  const mixed = createTransport(upstream(), hooks);
  t.after(() => mixed.close());
  assert.deepEqual(await mixed.call("eth_blockNumber", [], 5_000), reply("ws"));
  assert.deepEqual(await mixed.call("eth_getLogs", [{}], 5_000), reply("http"));

  const httpOnly = createTransport(upstream("http"), hooks);
  t.after(() => httpOnly.close());
  assert.deepEqual(await httpOnly.call("eth_blockNumber", [], 5_000), reply("http"));
  assert.deepEqual(overWs, ["eth_blockNumber"]);
  assert.deepEqual(overHttp, ["eth_getLogs", "eth_blockNumber"]);
});
