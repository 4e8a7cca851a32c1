/**
 * The ceiling for the backfill benchmark, run as its own process like the indexer: fetch
 * blocks `from..to` with transactions and receipts over JSON-RPC using the indexer's own
 * client and the same window pipeline (same batch size, windows in flight, concurrency),
 * and drop the data instead of writing it.
 *
 * Usage: node fetch-ceiling.ts '<json {rpc, from, to, batchBlocks, prefetchWindows, rpcBatchSize, rpcConcurrency}>'
 * Prints one JSON line: {seconds, cpuSeconds, blocks, txs, logs, peakRssMb}.
 */
import { readFileSync } from "node:fs";
import { createChainClient } from "../../packages/indexer/src/chain/create-chain-client.ts";

interface Spec {
  rpc: string;
  from: number;
  to: number;
  batchBlocks: number;
  prefetchWindows: number;
  rpcBatchSize: number;
  rpcConcurrency: number;
}

const spec = JSON.parse(process.argv[2] ?? "{}") as Spec;
const client = createChainClient({
  rpc: spec.rpc,
  batchSize: spec.rpcBatchSize,
  concurrency: spec.rpcConcurrency,
  timeoutMs: 60_000,
});

const started = performance.now();
const cpuStart = process.cpuUsage();
const windows: Array<[number, number]> = [];
for (let start = spec.from; start <= spec.to; start += spec.batchBlocks) {
  windows.push([start, Math.min(spec.to, start + spec.batchBlocks - 1)]);
}
let blocks = 0;
let txs = 0;
let logs = 0;
const inFlight: Array<ReturnType<typeof client.fetchBlocks>> = [];
let next = 0;
const fill = () => {
  while (next < windows.length && inFlight.length < spec.prefetchWindows) {
    const [a, b] = windows[next++]!;
    inFlight.push(client.fetchBlocks(a, b));
  }
};
fill();
while (inFlight.length > 0) {
  const batch = await inFlight.shift()!;
  fill();
  for (const item of batch) {
    blocks++;
    txs += item.transactions.length;
    logs += item.logs.length;
  }
}
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuStart);
const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"))?.[1];
process.stdout.write(
  `${JSON.stringify({ seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, blocks, txs, logs, peakRssMb: Number(hwm ?? 0) / 1024 })}\n`,
);
