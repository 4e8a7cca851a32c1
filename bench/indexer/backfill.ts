/**
 * Indexer backfill benchmark. In one script:
 *  1. prepares an EDR devnet (in this process) with BLOCKS blocks of token transfers
 *     (TRANSFERS Transfer logs each), then 64 more that a reorg will replace;
 *  2. the ceiling: a separate process fetches the same blocks + receipts over JSON-RPC with
 *     the indexer's client and pipeline, without writing (fetch-ceiling.ts);
 *  3. the indexer (src/main.ts, separate process, fresh database) backfills the same range:
 *     blocks/s, logs/s, ratio to the ceiling (goal >= 0.7), peak RSS (VmHWM, goal < 1 GB);
 *     2 and 3 alternate RUNS times and the ratio is that of the medians;
 *  4. after the last backfill, a 64-block reorg (evm_revert + a different, longer chain):
 *     reconcile time as logged by the indexer (ancestor search + fetch + one transaction;
 *     goal < 1 s) and the time until the new head is indexed.
 *
 * Usage: node bench/indexer/backfill.ts [--blocks 2000] [--transfers 20] [--runs 3]
 *          [--database pglite|postgres] [--json]
 *
 * `--database postgres` writes to a real PostgreSQL server (Debian's binaries, started in a temp
 * dir on loopback the way the indexer tests start it) instead of the embedded PGlite.
 * The devnet's CPU (this process, which only polls the indexer besides) is reported for
 * both phases: on a 2-core machine the devnet, the fetcher and the writer share the cores.
 *
 * The indexer process gets the Node/V8 flags the local runtime starts it with ("--liftoff-only"
 * for PGlite); BENCH_INDEXER_NODE_FLAGS replaces them ("" for V8's default tiering).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { startDevnet } from "@cryptokube/runtime/devnet";
import { type Address, encodeDeployData, encodeFunctionData, type Hex } from "viem";
import { migratedSchema } from "../../packages/indexer/src/db/migrate.ts";
import { seedPgliteDataDir } from "../../packages/indexer/src/db/pglite-template.ts";
import {
  type PostgresServer,
  startPostgresServer,
} from "../../packages/indexer/test/helpers/postgres-server.ts";
import { tokenArtifact } from "../../packages/indexer/test/helpers/token.ts";

const { values } = parseArgs({
  options: {
    blocks: { type: "string", default: "2000" },
    transfers: { type: "string", default: "20" },
    database: { type: "string", default: "pglite" },
    runs: { type: "string", default: "3" },
    json: { type: "boolean", default: false },
  },
});
const BLOCKS = Number(values.blocks);
const TRANSFERS = Number(values.transfers);
const DATABASE = values.database;
if (DATABASE !== "pglite" && DATABASE !== "postgres") {
  throw new Error(`--database must be pglite or postgres, not ${DATABASE}`);
}
const RUNS = Number(values.runs);
const REORG_DEPTH = 64;
const TUNING = { batchBlocks: 100, prefetchWindows: 3, rpcBatchSize: 100, rpcConcurrency: 8 };

const log = (message: string) => process.stderr.write(`${message}\n`);

const devnet = await startDevnet({ port: 0 });
const work = mkdtempSync(join(tmpdir(), "ck-bench-indexer-"));
let postgres: PostgresServer | undefined;
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

  /** The ceiling: a separate process fetches blocks 0..head the indexer's way, writing nothing. */
  async function ceilingRun(head: number): Promise<CeilingRun> {
    const devnetCpuAtStart = process.cpuUsage();
    const out = await runNode([
      join(import.meta.dirname, "fetch-ceiling.ts"),
      JSON.stringify({ rpc: devnet.url, from: 0, to: head, ...TUNING }),
    ]);
    return {
      ...(JSON.parse(out) as Omit<CeilingRun, "devnetCpuSeconds">),
      devnetCpuSeconds: cpuSince(devnetCpuAtStart),
    };
  }

  /**
   * The indexer (its own process, a fresh database) backfills 0..head. Timed by its own log:
   * from "connected to the chain" to "backfill reached the chain head". `then` runs before
   * the process is stopped.
   */
  async function backfillRun(
    run: number,
    head: number,
    then: (indexer: RunningIndexer) => Promise<void>,
  ): Promise<BackfillRun> {
    const dataDir = join(work, `data-${run}`);
    let env = process.env;
    if (DATABASE === "pglite") {
      await seedPgliteDataDir(join(dataDir, "pgdata"), migratedSchema()); // not part of the backfill
    } else {
      postgres ??= await startPostgresServer();
      await postgres.createDatabase(`bench_${run}`);
      env = { ...process.env, ...postgres.envFor(`bench_${run}`) };
    }
    const config = {
      host: "127.0.0.1",
      port: 0,
      chain: { name: "eth", rpc: devnet.url },
      startBlock: 0,
      contracts: [{ name: "Token", address: token, abi: JSON.stringify(abi) }],
      database: DATABASE === "pglite" ? { kind: "pglite", dataDir } : { kind: "postgres" },
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
      { stdio: ["ignore", "pipe", "inherit"], env },
    );
    try {
      const lines: Array<Record<string, unknown>> = [];
      let buffer = "";
      child.stdout.on("data", (chunk: Buffer) => {
        buffer += chunk.toString();
        const parts = buffer.split("\n");
        buffer = parts.pop() ?? "";
        for (const part of parts) lines.push(JSON.parse(part) as Record<string, unknown>);
      });
      const waitLine = async (
        msg: string,
        where: (line: Record<string, unknown>) => boolean = () => true,
      ) => {
        const deadline = Date.now() + 600_000;
        for (;;) {
          const line = lines.find((l) => l.msg === msg && where(l));
          if (line !== undefined) return line;
          if (child.exitCode !== null || Date.now() > deadline) {
            throw new Error(
              `no "${msg}" from the indexer:\n${lines.map((l) => JSON.stringify(l)).join("\n")}`,
            );
          }
          await sleep(5);
        }
      };
      const url = String((await waitLine("indexer listening")).url);
      const connected = await waitLine("indexer connected to the chain");
      const cpuAtStart = cpuSeconds(child.pid!);
      const devnetCpuAtStart = process.cpuUsage();
      const serverCpuAtStart = postgres === undefined ? 0 : treeCpuSeconds(postgres.pid);
      const reached = await waitLine("backfill reached the chain head", (l) => l.to === head);
      const result: BackfillRun = {
        seconds: (Number(reached.time) - Number(connected.time)) / 1000,
        cpuSeconds: cpuSeconds(child.pid!) - cpuAtStart,
        devnetCpuSeconds: cpuSince(devnetCpuAtStart),
        ...(postgres === undefined
          ? {}
          : { postgresServerCpuSeconds: treeCpuSeconds(postgres.pid) - serverCpuAtStart }),
        peakRssMb: peakMb(child.pid!),
      };
      await then({
        waitLine,
        indexedHead: async () =>
          ((await (await fetch(`${url}/api/status`)).json()) as { indexedHead: number | null })
            .indexedHead,
      });
      return result;
    } finally {
      child.kill("SIGTERM");
      if (child.exitCode === null) await new Promise((resolve) => child.once("exit", resolve));
    }
  }

  // 2 and 3, alternated `--runs` times so drift on a noisy machine hits both alike.
  const ceilings: CeilingRun[] = [];
  const backfills: BackfillRun[] = [];
  let reorg: { depth: number; reconcileMs: number; newHeadIndexedAfterMs: number } | undefined;
  for (let run = 1; run <= RUNS; run++) {
    const ceiling = await ceilingRun(head);
    ceilings.push(ceiling);
    log(
      `run ${run}: ceiling ${ceiling.blocks} blocks, ${ceiling.logs} logs in ${ceiling.seconds.toFixed(2)} s`,
    );
    const backfill = await backfillRun(run, head, async (indexer) => {
      if (run < RUNS) return;
      // 4. After the last backfill, a 64-block reorg: revert to the snapshot and build a
      // different, longer chain.
      await devnet.request("evm_revert", [snapshot]);
      for (let i = 0; i < REORG_DEPTH + 1; i++) await transferMany(BLOCKS + 10_000 + i, 2n);
      const reorgMined = Date.now();
      const newHead = Number.parseInt((await devnet.request("eth_blockNumber", [])) as string, 16);
      const reconciled = await indexer.waitLine("chain reorganization reconciled");
      while ((await indexer.indexedHead()) !== newHead) await sleep(5);
      reorg = {
        depth: Number(reconciled.depth),
        reconcileMs: Number(reconciled.ms),
        newHeadIndexedAfterMs: Date.now() - reorgMined,
      };
    });
    backfills.push(backfill);
    log(
      `run ${run}: indexer ${head + 1} blocks in ${backfill.seconds.toFixed(2)} s, peak RSS ${backfill.peakRssMb.toFixed(0)} MB, ratio ${(ceiling.seconds / backfill.seconds).toFixed(2)}`,
    );
  }

  const ceilingSeconds = median(ceilings.map((c) => c.seconds));
  const backfillSeconds = median(backfills.map((b) => b.seconds));
  const peakRssMb = Math.max(...backfills.map((b) => b.peakRssMb));
  const logs = ceilings[0]!.logs;
  const result = {
    database: DATABASE,
    runs: RUNS,
    blocks: head + 1,
    txs: ceilings[0]!.txs,
    logs,
    ceiling: {
      seconds: round(ceilingSeconds),
      cpuSeconds: round(median(ceilings.map((c) => c.cpuSeconds))),
      devnetCpuSeconds: round(median(ceilings.map((c) => c.devnetCpuSeconds))),
      blocksPerSecond: round((head + 1) / ceilingSeconds),
      logsPerSecond: round(logs / ceilingSeconds),
    },
    indexer: {
      seconds: round(backfillSeconds),
      cpuSeconds: round(median(backfills.map((b) => b.cpuSeconds))),
      devnetCpuSeconds: round(median(backfills.map((b) => b.devnetCpuSeconds))),
      ...(postgres === undefined
        ? {}
        : {
            postgresServerCpuSeconds: round(
              median(backfills.map((b) => b.postgresServerCpuSeconds ?? 0)),
            ),
          }),
      blocksPerSecond: round((head + 1) / backfillSeconds),
      logsPerSecond: round(logs / backfillSeconds),
      peakRssMb: round(peakRssMb),
    },
    // Ratio of the medians; each run's own ratio beside it shows the spread.
    ratio: round(ceilingSeconds / backfillSeconds),
    ratios: ceilings.map((c, i) => round(c.seconds / backfills[i]!.seconds)),
    reorg,
    goals: {
      ratioAtLeast0_7: ceilingSeconds / backfillSeconds >= 0.7,
      reorgUnder1s: reorg !== undefined && reorg.reconcileMs < 1000,
      peakRssUnder1GB: peakRssMb < 1024,
    },
  };
  if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
} finally {
  await devnet.close();
  await postgres?.stop();
  rmSync(work, { recursive: true, force: true });
}

interface CeilingRun {
  seconds: number;
  cpuSeconds: number;
  devnetCpuSeconds: number;
  blocks: number;
  txs: number;
  logs: number;
}

interface BackfillRun {
  seconds: number;
  cpuSeconds: number;
  devnetCpuSeconds: number;
  postgresServerCpuSeconds?: number;
  peakRssMb: number;
}

interface RunningIndexer {
  waitLine(msg: string): Promise<Record<string, unknown>>;
  indexedHead(): Promise<number | null>;
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function cpuSince(start: NodeJS.CpuUsage): number {
  const { user, system } = process.cpuUsage(start);
  return (user + system) / 1e6;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
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

/** CPU seconds of a process and its direct children (a postmaster and its backends). */
function treeCpuSeconds(pid: number): number {
  let total = cpuSeconds(pid);
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === pid) {
        total += cpuSeconds(Number(entry));
      }
    } catch {
      // It ended while we looked.
    }
  }
  return total;
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
