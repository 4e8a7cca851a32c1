/**
 * The least a JSON-RPC proxy written in Node.js can do, as a second floor for the gateway
 * benchmark: a node:http server that forwards each request over one WebSocket to the node
 * (the gateway's own upstream path) and relays the node's answer text as it is. No routing,
 * no health, no metrics, no cache, and the answer is never parsed: only the id is swapped,
 * by string surgery that relies on EDR writing `{"jsonrpc":"2.0","id":N,` first (bench-only;
 * a real proxy cannot rely on that). Its throughput next to direct bounds what any Node.js
 * proxy process can reach on the machine.
 *
 * Usage: node pass-through-proxy.ts <node ws url>; prints the port it listens on (loopback).
 */
import http, { type ServerResponse } from "node:http";
import WebSocket from "ws";

const upstream = new WebSocket(process.argv[2] ?? "", { perMessageDeflate: false });
await new Promise((resolve, reject) => {
  upstream.once("open", resolve);
  upstream.once("error", reject);
});

const PREFIX = /^\{"jsonrpc":"2\.0","id":(\d+),/;
const waiting = new Map<number, { response: ServerResponse; id: string }>();
let nextId = 0;

upstream.on("message", (data: Buffer) => {
  const text = data.toString("utf8");
  const match = PREFIX.exec(text);
  const call = match === null ? undefined : waiting.get(Number(match[1]));
  if (match === null || call === undefined) return;
  waiting.delete(Number(match[1]));
  const body = `{"jsonrpc":"2.0","id":${call.id},${text.slice(match[0].length)}`;
  call.response.writeHead(200, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
  });
  call.response.end(body);
});

const server = http.createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", () => {
    const parsed = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { id: unknown };
    const id = ++nextId;
    waiting.set(id, { response, id: JSON.stringify(parsed.id) });
    upstream.send(JSON.stringify({ ...parsed, id }));
  });
});
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${(server.address() as { port: number }).port}\n`);
});
process.on("SIGTERM", () => {
  upstream.close();
  server.close(() => process.exit(0));
});
