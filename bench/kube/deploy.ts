/**
 * Deploy-to-ready of the `dapp` template on the test cluster: `cryptokube deploy`
 * (apply in order, wait for rollout) versus the baseline of `kubectl apply
 * --server-side` of the same rendered manifests followed by `kubectl rollout status`
 * of each workload, measured in the same run, each into a fresh namespace. Both are
 * timed as the processes a user would run, runs alternate which goes first. Also
 * reported: deployStack called in-process (no Node start-up), to separate the engine
 * from the CLI's start-up cost.
 *
 *   bash scripts/kube-cluster/start.sh && node bench/kube/deploy.ts [--runs 5]
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { manifestsToYaml, renderManifests } from "@cryptokube/kube";
import { createKubeClient, deployStack } from "@cryptokube/kube/deploy";
import { createPlan } from "@cryptokube/plan";
import { parseStack, TEMPLATES } from "@cryptokube/spec";
import {
  getServedApiVersions,
  monitoringServed,
} from "../../packages/kube/src/deploy/served-apis.ts";
import { generateSecretMaterial } from "../../packages/kube/src/render/secrets.ts";

const repo = join(import.meta.dirname, "..", "..");
const cliMain = join(repo, "packages", "cli", "bin", "cryptokube.js");
const cache = process.env.CRYPTOKUBE_CACHE ?? join(homedir(), ".cache", "cryptokube");
const clusterDir = process.env.CRYPTOKUBE_KUBE_DIR ?? join(cache, "kube", "cluster");
const kubeconfig = join(clusterDir, "kubeconfig");
const kubectl = join(cache, "kube", "kubernetes-v1.37.2", "kubectl");
const { values } = parseArgs({ options: { runs: { type: "string", default: "5" } } });
const runs = Number(values.runs);
const env = { ...process.env, KUBECONFIG: kubeconfig, NO_COLOR: "1" };

function run(command: string, args: string[], cwd = repo): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once("error", reject);
    child.once("exit", (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`${command} ${args.join(" ")} exited ${code}: ${stderr}`)),
    );
  });
}

const client = createKubeClient({ kubeconfig });
try {
  await client.core.listNode({ limit: 1 });
} catch {
  console.error("the test cluster is not running: run bash scripts/kube-cluster/start.sh");
  process.exit(1);
}

const template = TEMPLATES.dapp;
if (template === undefined) throw new Error("no dapp template");
const work = mkdtempSync(join(tmpdir(), "ck-bench-deploy-"));
const stackFile = join(work, "cryptokube.yaml");
writeFileSync(stackFile, template.text);
for (const [name, text] of Object.entries(template.files ?? {})) {
  mkdirSync(dirname(join(work, name)), { recursive: true });
  writeFileSync(join(work, name), text);
}
const parsed = parseStack(template.text, "cryptokube.yaml");
if (!parsed.ok) throw new Error("the dapp template does not parse");
const plan = createPlan(parsed.stack, { target: "kubernetes" });

const namespaces: string[] = [];
const ours: number[] = [];
const inProcess: number[] = [];
const baseline: number[] = [];
let objectCount = 0;

async function timeOurs(namespace: string): Promise<number> {
  const started = performance.now();
  await run(
    process.execPath,
    [cliMain, "deploy", "-f", stackFile, "-n", namespace, "--timeout", "120s"],
    work,
  );
  return performance.now() - started;
}

/** The same deploy without process start-up: what the engine itself costs. */
async function timeInProcess(namespace: string): Promise<number> {
  const started = performance.now();
  await deployStack(client, { plan, namespace, render: renderManifests, timeoutMs: 120_000 });
  return performance.now() - started;
}

async function timeBaseline(namespace: string): Promise<number> {
  // The same objects our deploy applies, secrets included (generated up front, as a script would).
  const objects = renderManifests(plan, {
    namespace,
    secrets: generateSecretMaterial(plan),
    // As our deploy decides: monitoring objects only when the cluster serves their CRDs.
    monitoring: monitoringServed(await getServedApiVersions(client)),
  });
  objectCount = objects.length;
  const file = join(work, `${namespace}.yaml`);
  writeFileSync(file, manifestsToYaml(objects), { mode: 0o600 });
  const workloads = objects
    .filter((object) => object.kind === "Deployment" || object.kind === "StatefulSet")
    .map((object) => `${object.kind.toLowerCase()}/${object.metadata.name}`);
  const started = performance.now();
  await run(kubectl, ["apply", "--server-side", "--field-manager", "baseline", "-f", file]);
  for (const workload of workloads)
    await run(kubectl, ["rollout", "status", "-n", namespace, workload, "--timeout", "120s"]);
  return performance.now() - started;
}

try {
  for (let i = 0; i < runs; i++) {
    const suffix = `${Date.now().toString(36)}-${i}`;
    const a = `bench-ck-${suffix}`;
    const b = `bench-kubectl-${suffix}`;
    const c = `bench-lib-${suffix}`;
    namespaces.push(a, b, c);
    if (i % 2 === 0) {
      ours.push(await timeOurs(a));
      baseline.push(await timeBaseline(b));
    } else {
      baseline.push(await timeBaseline(b));
      ours.push(await timeOurs(a));
    }
    inProcess.push(await timeInProcess(c));
    console.error(
      `run ${i + 1}/${runs}: cryptokube deploy ${ours.at(-1)?.toFixed(0)} ms, kubectl apply + rollout status ${baseline.at(-1)?.toFixed(0)} ms, deployStack in-process ${inProcess.at(-1)?.toFixed(0)} ms`,
    );
  }
} finally {
  await Promise.all(
    namespaces.map((name) => client.core.deleteNamespace({ name }).catch(() => {})),
  );
  rmSync(work, { recursive: true, force: true });
}

const median = (list: number[]) => {
  const sorted = [...list].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};
const result = {
  bench: "kube-deploy-to-ready",
  stack: "dapp template",
  objects: objectCount,
  runs,
  cryptokubeDeployMs: { median: Math.round(median(ours)), all: ours.map(Math.round) },
  kubectlApplyRolloutMs: { median: Math.round(median(baseline)), all: baseline.map(Math.round) },
  deployStackInProcessMs: { median: Math.round(median(inProcess)), all: inProcess.map(Math.round) },
  ratio: Number((median(ours) / median(baseline)).toFixed(2)),
};
console.log(JSON.stringify(result, null, 2));
