/**
 * The floor under the gateway benchmark: a bare node:http server that reads a JSON-RPC
 * request and answers a constant result, with nothing else. Its CPU per request is what
 * Node's HTTP stack alone costs on the machine; the gateway pays it once for every request
 * and once more for each call it forwards upstream.
 *
 * Usage: node bare-server.ts; prints the port it listens on (loopback).
 */
import http from "node:http";

const server = http.createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", () => {
    const { id } = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { id: unknown };
    const body = JSON.stringify({ jsonrpc: "2.0", id, result: "0x1" });
    response.writeHead(200, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(body),
    });
    response.end(body);
  });
});
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${(server.address() as { port: number }).port}\n`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
