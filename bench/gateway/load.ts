/**
 * Load generator for the gateway benchmark, run as its own process so it does not share an
 * event loop with the devnet or the gateway. Closed loop: `concurrency` workers each send the
 * next request as soon as the previous answer arrived, for `durationMs`, after a warm-up.
 *
 * Usage: node load.ts '<json LoadSpec>'; prints one JSON line with the results.
 */
import http from "node:http";

export interface LoadSpec {
  url: string;
  /** Request body per sequence number; "$i" / "$hex" / "$addr" in the template are replaced. */
  template: string;
  concurrency: number;
  durationMs: number;
  warmupMs: number;
}

export interface LoadResult {
  requests: number;
  /** Requests answered over the whole run, warm-up included (for CPU cost per request). */
  completed: number;
  errors: number;
  seconds: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
}

const spec = JSON.parse(process.argv[2] ?? "{}") as LoadSpec;
const url = new URL(spec.url);
const agent = new http.Agent({ keepAlive: true, maxSockets: spec.concurrency });
/** Block numbers cycle through 1..80 (all finalized in the benchmark chain). */
const BLOCK_SPREAD = 80;

function body(i: number): string {
  return spec.template
    .replace("$hex", `0x${((i % BLOCK_SPREAD) + 1).toString(16)}`)
    .replace("$addr", `0x${(i + 1).toString(16).padStart(40, "0")}`)
    .replace("$i", String(i));
}

function post(text: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.request(
      {
        agent,
        hostname: url.hostname,
        port: url.port,
        path: url.pathname,
        method: "POST",
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(text) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (c: Buffer) => chunks.push(c));
        response.on("end", () => {
          const answer = Buffer.concat(chunks).toString();
          resolve(response.statusCode === 200 && answer.includes('"result"'));
        });
      },
    );
    request.on("error", () => resolve(false));
    request.end(text);
  });
}

async function run(): Promise<LoadResult> {
  let sequence = 0;
  let completed = 0;
  const latencies: number[] = [];
  let errors = 0;
  let measuring = false;
  let stop = false;
  const worker = async () => {
    while (!stop) {
      const text = body(sequence++);
      const started = process.hrtime.bigint();
      const ok = await post(text);
      completed++;
      if (!measuring) continue;
      latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
      if (!ok) errors++;
    }
  };
  const workers = Array.from({ length: spec.concurrency }, worker);
  await new Promise((r) => setTimeout(r, spec.warmupMs));
  measuring = true;
  const started = performance.now();
  await new Promise((r) => setTimeout(r, spec.durationMs));
  stop = true;
  const seconds = (performance.now() - started) / 1000;
  const measured = latencies.length;
  await Promise.all(workers);
  latencies.length = measured;
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
  return {
    requests: measured,
    completed,
    errors,
    seconds,
    rps: measured / seconds,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
  };
}

const result = await run();
agent.destroy();
process.stdout.write(`${JSON.stringify(result)}\n`);
