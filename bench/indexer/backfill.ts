/**
 * Indexer backfill benchmark. In one run:
 *  1. prepares an EDR devnet (in this process) with BLOCKS blocks of token transfers
 *     (TRANSFERS Transfer logs each), then 64 more that a reorg will replace;
 *  2. the ceiling: a separate process fetches the same blocks + receipts over JSON-RPC with
 *     the indexer's client and pipeline, without writing (fetch-ceiling.ts);
 *  3. the indexer (src/main.ts, PGlite, separate process) backfills the same range: blocks/s,
 *     logs/s, ratio to the ceiling (goal >= 0.7), peak RSS (VmHWM, goal < 1 GB);
 *  4. a 64-block reorg (evm_revert + a different, longer chain): reconcile time as logged by
 *     the indexer (ancestor search + fetch + one transaction; goal < 1 s) and the time until
 *     the new head is indexed.
 *
 * Usage: node bench/indexer/backfill.ts [--blocks 2000] [--transfers 20] [--json]
 *
 * The indexer process gets the Node/V8 flags the local runtime starts it with ("--liftoff-only"
 * for PGlite); BENCH_INDEXER_NODE_FLAGS replaces them ("" for V8's default tiering).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { startDevnet } from "@cryptokube/runtime/devnet";
import { type Address, encodeDeployData, encodeFunctionData, type Hex } from "viem";
import { migratedSchema } from "../../packages/indexer/src/db/migrate.ts";
import { seedPgliteDataDir } from "../../packages/indexer/src/db/pglite-template.ts";
import { tokenArtifact } from "../../packages/indexer/test/helpers/token.ts";

const { values } = parseArgs({
  options: {
    blocks: { type: "string", default: "2000" },
    transfers: { type: "string", default: "20" },
    json: { type: "boolean", default: false },
  },
});
const BLOCKS = Number(values.blocks);
const TRANSFERS = Number(values.transfers);
const REORG_DEPTH = 64;
const TUNING = { batchBlocks: 100, prefetchWindows: 3, rpcBatchSize: 100, rpcConcurrency: 8 };

const log = (message: string) => process.stderr.write(`${message}\n`);

const devnet = await startDevnet({ port: 0 });
const work = mkdtempSync(join(tmpdir(), "ck-bench-indexer-"));
try {
  // 1. Prepare the chain.
  const from = devnet.accounts[0]!.address as Address;
  const { abi, bytecode } = tokenArtifact();
  const send = async (data: Hex, to?: Address): Promise<Hex> =>
    (await devnet.request("eth_sendTransaction", [
      { from, ...(to ? { to } : {}), data, gas: "0x1000000" },
    ])) as Hex;
  const deployHash = await send(encodeDeployData({ abi, bytecode, args: [10n ** 40n] } as never));
  const receipt = (await devnet.request("eth_getTransactionReceipt", [deployHash])) as {
    contractAddress: Address;
  };
  const token = receipt.contractAddress;
  const recipientsFor = (i: number) =>
    Array.from(
      { length: TRANSFERS },
      (_, j) => `0x${(i * TRANSFERS + j + 1).toString(16).padStart(40, "0")}` as Address,
    );
  const transferMany = (i: number, value: bigint) =>
    send(
      encodeFunctionData({
        abi,
        functionName: "transferMany",
        args: [recipientsFor(i), value],
      } as never),
      token,
    );
  const prepared = performance.now();
  for (let i = 0; i < BLOCKS; i++) await transferMany(i, 1n);
  const snapshot = (await devnet.request("evm_snapshot", [])) as string;
  for (let i = 0; i < REORG_DEPTH; i++) await transferMany(BLOCKS + i, 1n);
  const head = Number.parseInt((await devnet.request("eth_blockNumber", [])) as string, 16);
  log(`prepared ${head} blocks in ${((performance.now() - prepared) / 1000).toFixed(1)} s`);

  // 2. Ceiling: fetch only.
  const ceilingOut = await runNode([
    join(import.meta.dirname, "fetch-ceiling.ts"),
    JSON.stringify({ rpc: devnet.url, from: 0, to: head, ...TUNING }),
  ]);
  const ceiling = JSON.parse(ceilingOut) as {
    seconds: number;
    cpuSeconds: number;
    blocks: number;
    txs: number;
    logs: number;
    peakRssMb: number;
  };
  log(`ceiling: ${ceiling.blocks} blocks, ${ceiling.logs} logs in ${ceiling.seconds.toFixed(2)} s`);

  // 3. Indexer backfill.
  const dataDir = join(work, "data");
  await seedPgliteDataDir(join(dataDir, "pgdata"), migratedSchema()); // not part of the backfill
  const config = {
    host: "127.0.0.1",
    port: 0,
    chain: { name: "eth", rpc: devnet.url },
    startBlock: 0,
    contracts: [{ name: "Token", address: token, abi: JSON.stringify(abi) }],
    database: { kind: "pglite", dataDir },
    tuning: { ...TUNING, pollIntervalMs: 50 },
  };
  const child = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_INDEXER_NODE_FLAGS ?? "--liftoff-only").split(" ").filter(Boolean),
      join(import.meta.dirname, "../../packages/indexer/src/main.ts"),
      "--config-json",
      JSON.stringify(config),
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const lines: string[] = [];
  let buffer = "";
  child.stdout.on("data", (chunk: Buffer) => {
    buffer += chunk.toString();
    const parts = buffer.split("\n");
    buffer = parts.pop() ?? "";
    lines.push(...parts);
  });
  const waitLine = async (text: string, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = lines.find((l) => l.includes(text));
      if (line !== undefined) return JSON.parse(line) as Record<string, unknown>;
      if (child.exitCode !== null || Date.now() > deadline)
        throw new Error(`no "${text}" from the indexer:\n${lines.join("\n")}`);
      await sleep(5);
    }
  };
  const listening = await waitLine("indexer listening", 60_000);
  const url = String(listening.url);
  const indexedHead = async () =>
    ((await (await fetch(`${url}/api/status`)).json()) as { indexedHead: number | null })
      .indexedHead;
  const connected = await waitLine("indexer connected to the chain", 60_000);
  const backfillStart = Number(connected.time);
  const cpuAtStart = cpuSeconds(child.pid!);
  let rssPeakSampled = 0;
  while ((await indexedHead()) !== head) {
    rssPeakSampled = Math.max(rssPeakSampled, rssMb(child.pid!));
    await sleep(20);
  }
  const backfillSeconds = (Date.now() - backfillStart) / 1000;
  const backfillCpuSeconds = cpuSeconds(child.pid!) - cpuAtStart;
  const peakRssMb = Math.max(rssPeakSampled, peakMb(child.pid!));
  const blocksPerSecond = (head + 1) / backfillSeconds;
  const logsPerSecond = ceiling.logs / backfillSeconds;
  log(
    `indexer: ${head + 1} blocks in ${backfillSeconds.toFixed(2)} s, peak RSS ${peakRssMb.toFixed(0)} MB`,
  );

  // 4. A 64-block reorg: revert to the snapshot and build a different, longer chain.
  await devnet.request("evm_revert", [snapshot]);
  for (let i = 0; i < REORG_DEPTH + 1; i++) await transferMany(BLOCKS + 10_000 + i, 2n);
  const reorgMined = Date.now();
  const newHead = Number.parseInt((await devnet.request("eth_blockNumber", [])) as string, 16);
  const reconciled = await waitLine("chain reorganization reconciled", 30_000);
  while ((await indexedHead()) !== newHead) await sleep(5);
  const caughtUpMs = Date.now() - reorgMined;
  child.kill("SIGTERM");
  await new Promise((resolve) => child.once("exit", resolve));

  const result = {
    blocks: head + 1,
    txs: ceiling.txs,
    logs: ceiling.logs,
    ceiling: {
      seconds: round(ceiling.seconds),
      cpuSeconds: round(ceiling.cpuSeconds),
      blocksPerSecond: round((head + 1) / ceiling.seconds),
      logsPerSecond: round(ceiling.logs / ceiling.seconds),
    },
    indexer: {
      seconds: round(backfillSeconds),
      cpuSeconds: round(backfillCpuSeconds),
      blocksPerSecond: round(blocksPerSecond),
      logsPerSecond: round(logsPerSecond),
      peakRssMb: round(peakRssMb),
    },
    ratio: round(ceiling.seconds / backfillSeconds),
    reorg: {
      depth: Number(reconciled.depth),
      reconcileMs: Number(reconciled.ms),
      newHeadIndexedAfterMs: caughtUpMs,
    },
    goals: {
      ratioAtLeast0_7: ceiling.seconds / backfillSeconds >= 0.7,
      reorgUnder1s: Number(reconciled.ms) < 1000,
      peakRssUnder1GB: peakRssMb < 1024,
    },
  };
  if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
} finally {
  await devnet.close();
  rmSync(work, { recursive: true, force: true });
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

function rssMb(pid: number): number {
  try {
    return (
      Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024
    );
  } catch {
    return 0;
  }
}

/** User + system CPU time of a process so far (all its threads), from /proc (10 ms ticks). */
function cpuSeconds(pid: number): number {
  try {
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** VmHWM: the kernel's peak resident set size of the process. */
function peakMb(pid: number): number {
  try {
    return (
      Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024
    );
  } catch {
    return 0;
  }
}

function runNode(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.once("exit", (code) =>
      code === 0 ? resolve(out.trim()) : reject(new Error(`exit ${code}`)),
    );
  });
}
