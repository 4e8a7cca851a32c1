/**
 * hello-dapp: deploys a CidRegistry contract, adds content/hello.txt to IPFS,
 * records the CID on chain, and serves the content over HTTP by reading the CID
 * back from the chain on every request.
 *
 * Everything it needs arrives through the conventional variables CryptoKube gives
 * every app: ETH_RPC_URL, IPFS_API_URL, DEVNET_MNEMONIC and PORT. When the stack has
 * an indexer (INDEXER_URL), the app registers its contract there so the indexer
 * and the dashboard's explorer decode its events.
 */
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import { type Abi, type Address, createPublicClient, createWalletClient, http } from "viem";
import { mnemonicToAccount } from "viem/accounts";

const artifact = JSON.parse(
  readFileSync(join(import.meta.dirname, "..", "contracts", "CidRegistry.json"), "utf8"),
) as { abi: Abi; bytecode: `0x${string}` };

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === "") {
    process.stderr.write(`hello-dapp: ${name} is not set (cryptokube up sets it)\n`);
    process.exit(2);
  }
  return value;
}

const rpcUrl = required("ETH_RPC_URL");
const ipfsApi = required("IPFS_API_URL");
const account = mnemonicToAccount(required("DEVNET_MNEMONIC"));
const port = Number(process.env.PORT ?? 3000);
const indexerUrl = process.env.INDEXER_URL;

const publicClient = createPublicClient({ transport: http(rpcUrl) });
const chainId = await publicClient.getChainId();
const chain = {
  id: chainId,
  name: "devnet",
  nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
  rpcUrls: { default: { http: [rpcUrl] } },
};
const wallet = createWalletClient({ account, chain, transport: http(rpcUrl) });

async function addToIpfs(content: Uint8Array, name: string): Promise<string> {
  const form = new FormData();
  form.append("file", new Blob([content]), name);
  const response = await fetch(`${ipfsApi}/api/v0/add?cid-version=1`, {
    method: "POST",
    body: form,
  });
  if (!response.ok) throw new Error(`IPFS add failed: ${response.status} ${await response.text()}`);
  const { Hash } = (await response.json()) as { Hash: string };
  return Hash;
}

async function catFromIpfs(cid: string): Promise<Uint8Array> {
  const response = await fetch(`${ipfsApi}/api/v0/cat?arg=${encodeURIComponent(cid)}`, {
    method: "POST",
  });
  if (!response.ok) throw new Error(`IPFS cat failed: ${response.status} ${await response.text()}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** Tells the indexer the contract's ABI; retried briefly while the indexer starts. */
async function registerWithIndexer(address: Address): Promise<void> {
  if (indexerUrl === undefined || indexerUrl === "") return;
  const body = JSON.stringify({ name: "CidRegistry", address, abi: artifact.abi });
  let problem = "";
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      const response = await fetch(`${indexerUrl}/api/contracts`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
        signal: AbortSignal.timeout(5000),
      });
      if (response.ok) {
        process.stdout.write(`registered CidRegistry with the indexer at ${indexerUrl}\n`);
        return;
      }
      problem = `${response.status} ${await response.text()}`;
      // A 4xx will not get better by retrying.
      if (response.status < 500) break;
    } catch (error) {
      problem = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  // The app works without the indexer; the explorer just shows raw events.
  process.stderr.write(
    `hello-dapp: could not register the contract with the indexer: ${problem}\n`,
  );
}

async function setUp(): Promise<Address> {
  const deployHash = await wallet.deployContract({
    abi: artifact.abi,
    bytecode: artifact.bytecode,
  });
  const deployed = await publicClient.waitForTransactionReceipt({ hash: deployHash });
  if (deployed.contractAddress == null) throw new Error("contract deployment returned no address");
  await registerWithIndexer(deployed.contractAddress);
  const content = readFileSync(join(import.meta.dirname, "..", "content", "hello.txt"));
  const cid = await addToIpfs(content, "hello.txt");
  const recordHash = await wallet.writeContract({
    address: deployed.contractAddress,
    abi: artifact.abi,
    functionName: "record",
    args: [cid],
  });
  await publicClient.waitForTransactionReceipt({ hash: recordHash });
  process.stdout.write(`registry ${deployed.contractAddress} records ${cid} (tx ${recordHash})\n`);
  return deployed.contractAddress;
}

const registry = await setUp();

const server = createServer((request, response) => {
  const path = new URL(request.url ?? "/", "http://localhost").pathname;
  if (path === "/healthz") {
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify({ ok: true, registry }));
    return;
  }
  if (path !== "/") {
    response.writeHead(404).end("not found\n");
    return;
  }
  (async () => {
    const cid = (await publicClient.readContract({
      address: registry,
      abi: artifact.abi,
      functionName: "cid",
    })) as string;
    const content = await catFromIpfs(cid);
    response.writeHead(200, {
      "content-type": "text/plain; charset=utf-8",
      "x-cid": cid,
      "x-registry": registry,
    });
    response.end(content);
  })().catch((error: unknown) => {
    response.writeHead(502, { "content-type": "text/plain" });
    response.end(`upstream error: ${error instanceof Error ? error.message : String(error)}\n`);
  });
});

server.listen(port, "127.0.0.1", () => {
  process.stdout.write(`hello-dapp serving http://127.0.0.1:${port}/\n`);
});

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
