/**
 * Gateway benchmark: the same requests direct to an EDR devnet and through the gateway, on
 * loopback, with the load generator in a separate process and the gateway in its own process
 * (the devnet runs in this orchestrating process, which stays idle during measurements).
 *
 *   node bench/gateway/run.ts [--seconds 2] [--concurrency 8] [--only TEXT]
 *                             [--calls ws|http] [--batch 16] [--load wrk|node] [--rounds 3]
 *
 * `--load` picks the load generator: wrk (the default; Debian's `wrk` package, see
 * wrk-load.ts) or load.ts, a Node.js client, which on a 2-core machine spends about as much
 * CPU per request as the devnet does and so takes CPU from whatever it measures.
 * `--calls` is how the gateway reaches the devnet (its WebSocket, the default when a node has
 * one, or HTTP); `--batch` the gateway's upstream batch size for calls over HTTP.
 *
 * Per method: throughput at `concurrency` (closed loop) and latency at concurrency 1.
 * "uncached" runs go through a gateway with the cache disabled and request parameters varied
 * so in-flight de-duplication cannot help either; "cached" repeats one finalized block.
 * Also the CPU time the devnet and the gateway spent per answered request during the throughput
 * runs: on a machine with few cores every process shares the same CPUs, so the gateway's
 * throughput ratio is bounded by what its own hop costs next to the devnet's and the client's.
 * Last, the floor: a bare node:http server answering a constant (bare-server.ts) under the
 * same load, whose CPU per request is what Node's HTTP stack alone costs here.
 * Prints a markdown table.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { readdir, readFile, readlink } from "node:fs/promises";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { startDevnet } from "@cryptokube/runtime/devnet";
import { createWalletClient, encodeFunctionData, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { storeAbi, storeBytecode } from "../../packages/runtime/test/fixtures/store-contract.ts";
import type { LoadResult, LoadSpec } from "./load.ts";
import { assertWrkInstalled, runWrkLoad } from "./wrk-load.ts";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "2" },
    concurrency: { type: "string", default: "8" },
    /** Only the scenarios whose name contains this text. */
    only: { type: "string" },
    /** How the gateway calls the devnet: "ws" (its WebSocket) or "http". */
    calls: { type: "string", default: "ws" },
    /** Calls coalesced into one batch upstream (the gateway's `batchSize`). */
    batch: { type: "string", default: "16" },
    /** Alternating direct/gateway rounds per scenario; figures are medians, ratios median (min–max). */
    rounds: { type: "string", default: "3" },
    /** The load generator: "wrk" or "node" (load.ts). */
    load: { type: "string", default: "wrk" },
  },
});
if (values.load !== "wrk" && values.load !== "node") {
  throw new Error(`--load must be wrk or node, not ${values.load}`);
}
if (values.load === "wrk") await assertWrkInstalled();
const durationMs = Number(values.seconds) * 1000;
const concurrency = Number(values.concurrency);
const roundCount = Number(values.rounds);

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
const LOAD = fileURLToPath(new URL("./load.ts", import.meta.url));
const GATEWAY_MAIN = fileURLToPath(new URL("../../packages/gateway/src/main.ts", import.meta.url));
const BARE_SERVER = fileURLToPath(new URL("./bare-server.ts", import.meta.url));
const PASS_THROUGH_PROXY = fileURLToPath(new URL("./pass-through-proxy.ts", import.meta.url));

/** CPU time (user + system) of a child process so far, in microseconds. */
async function childCpuMicros(child: ChildProcess): Promise<number> {
  const stat = await readFile(`/proc/${child.pid}/stat`, "utf8");
  // Fields after the command name (which may contain spaces): utime and stime are 14th and 15th.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1e6) / 100; // USER_HZ is 100 on Linux
}

/** This process's CPU time so far (the devnet runs here and nothing else does meanwhile). */
function ownCpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

/** Runs a load and reports the CPU each side spent per answered request. */
async function runLoadWithCpu(
  spec: Omit<LoadSpec, "warmupMs">,
  gateway: ChildProcess | undefined,
): Promise<LoadResult & { devnetCpuUs: number; gatewayCpuUs: number }> {
  const devnetBefore = ownCpuMicros();
  const gatewayBefore = gateway === undefined ? 0 : await childCpuMicros(gateway);
  const result = await runLoad(spec);
  const devnetCpuUs = (ownCpuMicros() - devnetBefore) / result.completed;
  const gatewayCpuUs =
    gateway === undefined
      ? 0
      : ((await childCpuMicros(gateway)) - gatewayBefore) / result.completed;
  return { ...result, devnetCpuUs, gatewayCpuUs };
}

async function runLoad(spec: Omit<LoadSpec, "warmupMs">): Promise<LoadResult> {
  if (values.load === "wrk") {
    const result = await runWrkLoad({ ...spec, warmupMs: 1000 });
    if (result.errors > 0) throw new Error(`${result.errors} failed requests against ${spec.url}`);
    return result;
  }
  const child = spawn(process.execPath, [LOAD, JSON.stringify({ ...spec, warmupMs: 300 })], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  const [code] = await once(child, "exit");
  if (code !== 0) throw new Error(`load generator exited with ${code}`);
  const result = JSON.parse(out) as LoadResult;
  if (result.errors > 0) throw new Error(`${result.errors} failed requests against ${spec.url}`);
  return result;
}

async function startGatewayProcess(
  upstream: string,
  cacheBytes: number,
): Promise<{ url: string; child: ChildProcess }> {
  const config = {
    host: "127.0.0.1",
    port: 0,
    maxLag: 5,
    cache: { maxBytes: cacheBytes, finalityDepth: 10 },
    apiKeys: [],
    chains: [
      {
        name: "eth",
        type: "ethereum",
        chainId: 31337,
        upstreams: [
          {
            name: "devnet",
            http: upstream,
            ws: upstream.replace(/^http/, "ws"),
            calls: values.calls,
            batchSize: Number(values.batch),
          },
        ],
      },
    ],
  };
  const child = spawn(
    process.execPath,
    [
      // Extra Node/V8 flags for the gateway, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
      ...(process.env.BENCH_GATEWAY_NODE_FLAGS ?? "").split(" ").filter(Boolean),
      GATEWAY_MAIN,
      "--config-json",
      JSON.stringify(config),
      "--log-level",
      "warn",
    ],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const lines = createInterface({ input: child.stdout! });
  // At warn level nothing is printed on start; wait for /healthz instead.
  lines.on("line", (line) => process.stderr.write(`[gateway] ${line}\n`));
  const port = await findPort(child);
  return { url: `http://127.0.0.1:${port}`, child };
}

/** The gateway listens on port 0; read the port from /proc (Linux) via its listening socket. */
async function findPort(child: ChildProcess): Promise<number> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    try {
      const inodes = new Set<string>();
      for (const fd of await readdir(`/proc/${child.pid}/fd`)) {
        const link = await readlink(`/proc/${child.pid}/fd/${fd}`).catch(() => "");
        const match = /^socket:\[(\d+)\]$/.exec(link);
        if (match) inodes.add(match[1]!);
      }
      const table = await readFile(`/proc/${child.pid}/net/tcp`, "utf8");
      for (const line of table.split("\n").slice(1)) {
        const cols = line.trim().split(/\s+/);
        if (cols[3] === "0A" && inodes.has(cols[9] ?? "")) {
          const port = Number.parseInt(cols[1]!.split(":")[1]!, 16);
          const health = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
          if (health?.ok) return port;
        }
      }
    } catch {}
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("gateway did not start");
}

const devnet = await startDevnet({ port: 0 });
const account = privateKeyToAccount(devnet.accounts[0]!.privateKey);
const wallet = createWalletClient({
  account,
  transport: http(devnet.url),
  chain: {
    id: 31337,
    name: "devnet",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [devnet.url] } },
  },
});
await wallet.deployContract({ abi: storeAbi, bytecode: storeBytecode, args: [7n] });
// One block of 100 transfers: a finalized block as real chains have them (mainnet blocks
// carry ~150 transactions), next to the empty blocks below.
await devnet.request("evm_setAutomine", [false]);
for (let i = 0; i < 100; i++) {
  await wallet.sendTransaction({ to: devnet.accounts[1]!.address, value: 1n });
}
await devnet.request("evm_mine", []);
await devnet.request("evm_setAutomine", [true]);
const fullBlock = (await devnet.request("eth_blockNumber", [])) as string;
await devnet.request("hardhat_mine", ["0x64"]); // 100 blocks: all above are final at depth 10
const store = "0x5fbdb2315678afecb367f032d93f642f64180aa3";

const uncachedGateway = await startGatewayProcess(devnet.url, 0);
const cachedGateway = await startGatewayProcess(devnet.url, 64 * 1024 * 1024);

const callData = encodeFunctionData({ abi: storeAbi, functionName: "value" });
const scenarios = [
  {
    name: "eth_blockNumber",
    template: '{"jsonrpc":"2.0","id":$i,"method":"eth_blockNumber","params":[]}',
    gateway: uncachedGateway,
  },
  {
    name: "eth_call (latest)",
    template: `{"jsonrpc":"2.0","id":$i,"method":"eth_call","params":[{"from":"$addr","to":"${store}","data":"${callData}"},"latest"]}`,
    gateway: uncachedGateway,
  },
  {
    name: "eth_getBlockByNumber (finalized, uncached)",
    template: '{"jsonrpc":"2.0","id":$i,"method":"eth_getBlockByNumber","params":["$hex",false]}',
    gateway: uncachedGateway,
  },
  {
    name: "eth_getBlockByNumber (finalized, cached)",
    template: '{"jsonrpc":"2.0","id":$i,"method":"eth_getBlockByNumber","params":["0x5",false]}',
    gateway: cachedGateway,
  },
  {
    name: "eth_getBlockByNumber (finalized, 100 txs, full, cached)",
    template: `{"jsonrpc":"2.0","id":$i,"method":"eth_getBlockByNumber","params":["${fullBlock}",true]}`,
    gateway: cachedGateway,
  },
];

const rows: string[] = [];
let floor = "";
let proxyFloor: string[] = [];

/**
 * The second floor: the same loads direct and through pass-through-proxy.ts (a proxy that
 * does nothing but relay over the node's WebSocket), alternating like the table's rounds.
 */
async function measurePassThroughProxy(
  picked: ReadonlyArray<{ name: string; template: string }>,
): Promise<string[]> {
  if (devnet.wsUrl === undefined || picked.length === 0) return [];
  const proxy = spawn(process.execPath, [PASS_THROUGH_PROXY, devnet.wsUrl], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  try {
    const [port] = (await once(createInterface({ input: proxy.stdout! }), "line")) as [string];
    const lines: string[] = [];
    for (const scenario of picked) {
      const ratios: number[] = [];
      const cpu: number[] = [];
      for (let round = 0; round < roundCount; round++) {
        const spec = { template: scenario.template, concurrency, durationMs };
        const direct = await runLoadWithCpu({ ...spec, url: devnet.url }, undefined);
        const relayed = await runLoadWithCpu({ ...spec, url: `http://127.0.0.1:${port}` }, proxy);
        ratios.push(relayed.rps / direct.rps);
        cpu.push(relayed.gatewayCpuUs);
      }
      lines.push(
        `- ${scenario.name}: ${median(ratios).toFixed(2)}× of direct (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}), ${median(cpu).toFixed(0)} µs of proxy CPU per request`,
      );
    }
    return lines;
  } finally {
    proxy.kill("SIGTERM");
  }
}
try {
  for (const scenario of scenarios.filter((s) => s.name.includes(values.only ?? ""))) {
    const direct = devnet.url;
    const through = `${scenario.gateway.url}/eth`;
    // Direct and gateway runs alternate, `rounds` times: the machine's speed drifts over
    // minutes, and each round compares two runs made seconds apart.
    const rounds: Array<{
      directLatency: LoadResult;
      gatewayLatency: LoadResult;
      directLoad: Awaited<ReturnType<typeof runLoadWithCpu>>;
      gatewayLoad: Awaited<ReturnType<typeof runLoadWithCpu>>;
    }> = [];
    for (let round = 0; round < roundCount; round++) {
      const latency = (url: string) =>
        runLoad({ url, template: scenario.template, concurrency: 1, durationMs: durationMs / 2 });
      const load = (url: string, child: ChildProcess | undefined) =>
        runLoadWithCpu({ url, template: scenario.template, concurrency, durationMs }, child);
      rounds.push({
        directLatency: await latency(direct),
        gatewayLatency: await latency(through),
        directLoad: await load(direct, undefined),
        gatewayLoad: await load(through, scenario.gateway.child),
      });
    }
    const m = (pick: (r: (typeof rounds)[number]) => number) => median(rounds.map(pick));
    const ratios = rounds.map((r) => r.gatewayLoad.rps / r.directLoad.rps);
    const f = (n: number, d = 3) => n.toFixed(d);
    const spread =
      roundCount > 1 ? ` (${f(Math.min(...ratios), 2)}–${f(Math.max(...ratios), 2)})` : "";
    const cells = [
      scenario.name,
      f(
        m((r) => r.directLoad.rps),
        0,
      ),
      f(
        m((r) => r.gatewayLoad.rps),
        0,
      ),
      `${f(median(ratios), 2)}×${spread}`,
      `${f(m((r) => r.directLatency.p50Ms))} / ${f(m((r) => r.directLatency.p99Ms))}`,
      `${f(m((r) => r.gatewayLatency.p50Ms))} / ${f(m((r) => r.gatewayLatency.p99Ms))}`,
      f(m((r) => r.gatewayLatency.p50Ms - r.directLatency.p50Ms)),
      f(m((r) => r.gatewayLatency.p99Ms - r.directLatency.p99Ms)),
      [
        m((r) => r.directLoad.devnetCpuUs),
        m((r) => r.gatewayLoad.devnetCpuUs),
        m((r) => r.gatewayLoad.gatewayCpuUs),
      ]
        .map((us) => f(us, 0))
        .join(" / "),
    ];
    rows.push(`| ${cells.join(" | ")} |`);
    process.stderr.write(`done: ${scenario.name}\n`);
  }
  const bare = spawn(process.execPath, [BARE_SERVER], { stdio: ["ignore", "pipe", "inherit"] });
  try {
    const [port] = (await once(createInterface({ input: bare.stdout! }), "line")) as [string];
    const load = await runLoadWithCpu(
      {
        url: `http://127.0.0.1:${port}`,
        template: scenarios[0]!.template,
        concurrency,
        durationMs,
      },
      bare,
    );
    floor = `Floor: a bare node:http server answering a constant: ${load.rps.toFixed(0)} req/s, ${load.gatewayCpuUs.toFixed(0)} µs of CPU per request.`;
  } finally {
    bare.kill("SIGTERM");
  }
  proxyFloor = await measurePassThroughProxy(
    scenarios.filter((s) => s.gateway === uncachedGateway && s.name.includes(values.only ?? "")),
  );
} finally {
  uncachedGateway.child.kill("SIGTERM");
  cachedGateway.child.kill("SIGTERM");
  await devnet.close();
}

process.stdout.write(
  [
    `Gateway benchmark — loopback, load from ${values.load === "wrk" ? "wrk" : "a Node.js client (load.ts)"}, ${concurrency} concurrent clients for throughput, 1 for latency; ${values.seconds}s per run; medians of ${roundCount} alternating rounds (ratio: median, min–max)`,
    "",
    "| method | direct req/s | gateway req/s | ratio | direct p50 / p99 ms | gateway p50 / p99 ms | added p50 ms | added p99 ms | CPU µs/req: devnet direct / devnet via gateway / gateway |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rows,
    "",
    floor,
    ...(proxyFloor.length === 0
      ? []
      : [
          "",
          "Floor proxy: a pass-through proxy (node:http in, the node's WebSocket out, answers relayed unparsed), same load:",
          ...proxyFloor,
        ]),
    "",
  ].join("\n"),
);
