/**
 * Starter web app written by `cryptokube init dapp`. CryptoKube sets PORT and
 * the references declared under `env:` in cryptokube.yaml (RPC_URL,
 * IPFS_API_URL). Plain Node.js: run it with `node app/server.ts`.
 */
import { createServer } from "node:http";

const port = Number(process.env.PORT ?? 3000);
const rpcUrl = process.env.RPC_URL;

async function latestBlock(): Promise<number | undefined> {
  if (rpcUrl === undefined) return undefined;
  const response = await fetch(rpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_blockNumber", params: [] }),
  });
  const body = (await response.json()) as { result?: string };
  return body.result === undefined ? undefined : Number.parseInt(body.result, 16);
}

const server = createServer((request, response) => {
  if (request.url === "/healthz") {
    response.writeHead(200, { "content-type": "text/plain" }).end("ok\n");
    return;
  }
  latestBlock()
    .then((block) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(`${JSON.stringify({ block, ipfsApi: process.env.IPFS_API_URL ?? null })}\n`);
    })
    .catch((error: unknown) => {
      response.writeHead(502, { "content-type": "text/plain" });
      response.end(`cannot reach the chain at ${rpcUrl}: ${String(error)}\n`);
    });
});

server.listen(port, () => console.log(`web listening on http://localhost:${port}`));
process.on("SIGTERM", () => server.close());
