import assert from "node:assert/strict";
import { connect, createServer, type Socket } from "node:net";
import { test } from "node:test";
import { startDevnets } from "./helpers/devnets.ts";
import { postRaw, rpc, startGateway } from "./helpers/gateway.ts";

const STANDARD_CODES = new Set([-32700, -32600, -32601, -32602, -32603, -32000, -32002, -32005]);

/** Small deterministic PRNG (mulberry32) so a failing fuzz case can be replayed. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIXED_CASES: [string, string][] = [
  ["empty body", ""],
  ["not json", "hello"],
  ["truncated", '{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber"'],
  ["number", "42"],
  ["string", '"eth_blockNumber"'],
  ["null", "null"],
  ["empty batch", "[]"],
  ["batch of garbage", '[1, null, "x", []]'],
  ["wrong version", '{"jsonrpc":"1.0","id":1,"method":"eth_blockNumber"}'],
  ["no version", '{"id":1,"method":"eth_blockNumber"}'],
  ["method not a string", '{"jsonrpc":"2.0","id":1,"method":7}'],
  ["object id", '{"jsonrpc":"2.0","id":{},"method":"eth_blockNumber"}'],
  ["params scalar", '{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":5}'],
  ["unknown namespace", '{"jsonrpc":"2.0","id":1,"method":"admin_peers","params":[]}'],
  ["devnet method", '{"jsonrpc":"2.0","id":1,"method":"evm_mine","params":[]}'],
  [
    "bad block tag",
    '{"jsonrpc":"2.0","id":1,"method":"eth_getBlockByNumber","params":["yesterday",false]}',
  ],
  ["bad raw tx", '{"jsonrpc":"2.0","id":1,"method":"eth_sendRawTransaction","params":["0xzz"]}'],
  [
    "logs from>to",
    '{"jsonrpc":"2.0","id":1,"method":"eth_getLogs","params":[{"fromBlock":"0x5","toBlock":"0x1"}]}',
  ],
  [
    "deep nesting",
    `{"jsonrpc":"2.0","id":1,"method":"eth_call","params":${"[".repeat(5000)}${"]".repeat(5000)}}`,
  ],
  [
    "oversized batch",
    JSON.stringify(
      Array.from({ length: 101 }, (_, id) => ({ jsonrpc: "2.0", id, method: "eth_chainId" })),
    ),
  ],
  ["invalid utf8-ish", "\u0000\u0001\uffff{"],
];

/** Every answer must be JSON-RPC (single or batch) with standard error codes only. */
function assertJsonRpc(what: string, body: unknown): void {
  const items = Array.isArray(body) ? body : [body];
  assert.ok(items.length > 0, `${what}: empty answer`);
  for (const item of items) {
    assert.equal(typeof item, "object", `${what}: answer is not JSON: ${JSON.stringify(body)}`);
    const record = item as { jsonrpc?: string; error?: { code: number }; result?: unknown };
    assert.equal(record.jsonrpc, "2.0", `${what}: ${JSON.stringify(body)}`);
    if (record.error !== undefined) {
      assert.ok(
        STANDARD_CODES.has(record.error.code),
        `${what}: non-standard code ${record.error.code}`,
      );
    } else {
      assert.ok("result" in record, `${what}: neither result nor error`);
    }
  }
}

test("malformed bodies get JSON-RPC errors with standard codes, and the gateway keeps serving", async (t) => {
  const devnets = await startDevnets(t, 1);
  const { rpcUrl } = await startGateway(t, devnets);

  for (const [what, body] of FIXED_CASES) {
    const reply = await postRaw(rpcUrl, body);
    assertJsonRpc(what, reply.body);
    assert.ok(
      "error" in (Array.isArray(reply.body) ? reply.body[0] : (reply.body as object)),
      `${what} must fail`,
    );
  }
  const codes = async (body: string) =>
    ((await postRaw(rpcUrl, body)).body as { error: { code: number } }).error.code;
  assert.equal(await codes("hello"), -32700);
  assert.equal(await codes('{"jsonrpc":"1.0","id":1,"method":"eth_blockNumber"}'), -32600);
  assert.equal(await codes('{"jsonrpc":"2.0","id":1,"method":"admin_peers"}'), -32601);
  assert.equal(
    await codes('{"jsonrpc":"2.0","id":1,"method":"eth_getBlockByNumber","params":["x",false]}'),
    -32602,
  );
  assert.equal(await codes(FIXED_CASES.find(([w]) => w === "deep nesting")![1]), -32005);
  assert.equal(await codes(FIXED_CASES.find(([w]) => w === "oversized batch")![1]), -32005);

  // Huge body: refused with 413 before it is read in full.
  const huge = await postRaw(
    rpcUrl,
    `{"jsonrpc":"2.0","id":1,"method":"eth_call","params":["${"a".repeat(2_000_000)}"]}`,
  );
  assert.equal(huge.status, 413);
  assertJsonRpc("huge body", huge.body);

  // Bounded random fuzz: mutations of a valid request plus random bytes.
  const random = prng(4242);
  const valid = JSON.stringify([
    { jsonrpc: "2.0", id: 1, method: "eth_getBlockByNumber", params: ["latest", false] },
    {
      jsonrpc: "2.0",
      id: "two",
      method: "eth_getBalance",
      params: ["0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"],
    },
  ]);
  const alphabet = '{}[]":,0x1aZ\\ \u00e9null-eE.';
  const started = performance.now();
  for (let i = 0; i < 300; i++) {
    let body: string;
    if (i % 3 === 0) {
      body = Array.from(
        { length: Math.floor(random() * 64) },
        () => alphabet[Math.floor(random() * alphabet.length)],
      ).join("");
    } else {
      const chars = valid.split("");
      for (let m = 0; m < 1 + Math.floor(random() * 4); m++) {
        const at = Math.floor(random() * chars.length);
        const op = random();
        if (op < 0.33) chars.splice(at, 1);
        else if (op < 0.66) chars[at] = alphabet[Math.floor(random() * alphabet.length)]!;
        else chars.splice(at, 0, alphabet[Math.floor(random() * alphabet.length)]!);
      }
      body = chars.join("");
    }
    const reply = await postRaw(rpcUrl, body);
    if (reply.status === 204) continue; // a mutation can turn every request into a notification
    assert.ok(
      [200, 413].includes(reply.status),
      `fuzz case ${i}: HTTP ${reply.status} for ${body}`,
    );
    assertJsonRpc(`fuzz case ${i} (${body})`, reply.body);
  }
  t.diagnostic(`300 fuzz cases in ${Math.round(performance.now() - started)} ms`);

  const after = await rpc(rpcUrl, "eth_chainId");
  assert.equal(after.result, "0x7a69", "the gateway still serves after the fuzz");
});

test("stalled clients and hung upstreams never hang a connection", {
  timeout: 30_000,
}, async (t) => {
  // An upstream that accepts connections and never answers.
  const sockets = new Set<Socket>();
  const silent = createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
  });
  await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
  t.after(() => {
    for (const s of sockets) s.destroy();
    return new Promise<void>((r) => silent.close(() => r()));
  });
  const port = (silent.address() as { port: number }).port;
  const devnets = await startDevnets(t, 1);
  const fakeDevnet = {
    ...devnets[0]!,
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
  };
  const { rpcUrl, url } = await startGateway(t, [fakeDevnet], {
    limits: { upstreamTimeoutMs: 300, probeTimeoutMs: 200, clientTimeoutMs: 500 },
  });

  // The upstream never answers: the reply is the gateway's own timeout error (a hang would
  // end in the test's timeout instead).
  const reply = await rpc(rpcUrl, "eth_getBalance", [
    "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
    "latest",
  ]);
  assert.equal(reply.error?.code, -32002, JSON.stringify(reply));

  // A client that sends headers and part of a body, then stalls, is disconnected.
  const { port: gatewayPort } = new URL(url);
  const client = connect(Number(gatewayPort), "127.0.0.1");
  t.after(() => client.destroy());
  client.on("error", () => {});
  await new Promise<void>((r) => client.once("connect", () => r()));
  client.write(
    'POST /eth HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"jsonrpc"',
  );
  // Closed by the gateway's client timeout; a connection held open ends in the test's timeout.
  await new Promise<void>((resolve) => client.once("close", () => resolve()));
});
