/**
 * Render time of a generated 200-component stack (public Ethereum pairs, Bitcoin
 * with Lightning nodes, IPFS, gateway, monitoring and many apps) versus
 * createPlan of the same stack (the baseline), measured in the same run.
 *
 *   node bench/kube/render.ts [--runs 10] [--components 200]
 */
import { parseArgs } from "node:util";
import { manifestsToYaml, renderHelmChart, renderManifests } from "@cryptokube/kube";
import { createPlan } from "@cryptokube/plan";
import { parseStack } from "@cryptokube/spec";
import { stringify } from "yaml";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "10" },
    components: { type: "string", default: "200" },
  },
});
const runs = Number(values.runs);
const wanted = Number(values.components);

/** 20 Ethereum pairs (40), 10 Bitcoin nodes with 2 Lightning nodes each (30), 4 services; apps fill up. */
function stackText(apps: number): string {
  const chains: Record<string, unknown> = {};
  for (let i = 0; i < 20; i++)
    chains[`eth${i}`] = {
      type: "ethereum",
      network: "sepolia",
      client: "geth",
      consensus: "lighthouse",
    };
  for (let i = 0; i < 10; i++)
    chains[`btc${i}`] = {
      type: "bitcoin",
      network: "regtest",
      client: "btcd",
      lightning: { client: "lnd", nodes: 2 },
    };
  const appEntries: Record<string, unknown> = {};
  for (let i = 0; i < apps; i++) {
    appEntries[`app${i}`] = {
      image: `registry.example/app${i}:1.0`,
      ports: { http: 3000 },
      // Stack-file references, not JS templates.
      env: { RPC_URL: `\${chains.eth${i % 20}.rpc}`, IPFS_URL: `\${storage.ipfs.api}` },
      depends_on: [`chains.eth${i % 20}`],
      ...(i % 10 === 0 ? { replicas: 3 } : {}),
    };
  }
  return stringify({
    name: "bench",
    chains,
    storage: { ipfs: {} },
    services: { gateway: {}, monitoring: { prometheus: true, grafana: true } },
    apps: appEntries,
  });
}

function stackFor(apps: number) {
  const parsed = parseStack(stackText(apps), "bench.yaml");
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.diagnostics.slice(0, 3), null, 2));
  return parsed.stack;
}

// Size the app count so the plan has exactly the wanted number of components.
const base = createPlan(stackFor(1), { target: "kubernetes" }).components.length - 1;
const stack = stackFor(Math.max(0, wanted - base));
const plan = createPlan(stack, { target: "kubernetes" });

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function time(fn: () => unknown): number[] {
  for (let i = 0; i < 3; i++) fn(); // warm-up: JIT and caches
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    samples.push(performance.now() - start);
  }
  return samples;
}

const planMs = median(time(() => createPlan(stack, { target: "kubernetes" })));
const renderMs = median(time(() => renderManifests(plan, { monitoring: true })));
const yamlMs = median(time(() => manifestsToYaml(renderManifests(plan, { monitoring: true }))));
const helmMs = median(time(() => renderHelmChart(plan)));
const objects = renderManifests(plan, { monitoring: true }).length;

const row = (label: string, ms: number) =>
  `${label.padEnd(34)} ${ms.toFixed(2).padStart(9)} ms   ${(ms / planMs).toFixed(2).padStart(6)}× createPlan`;
process.stdout.write(
  `stack: ${plan.components.length} components → ${objects} objects; median of ${runs} runs\n` +
    `${row("createPlan (baseline)", planMs)}\n` +
    `${row("renderManifests", renderMs)}\n` +
    `${row("renderManifests + YAML", yamlMs)}\n` +
    `${row("renderHelmChart", helmMs)}\n`,
);
