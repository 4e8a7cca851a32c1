/**
 * Acceptance of `cryptokube deploy` / `status --kube` on the test cluster
 * (scripts/kube-cluster) with the real render: the dapp and node templates roll out,
 * a changed stack converges with pruning, and a killed deploy converges when re-run.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type TestContext, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { clusterEnv, connectOrSkip, freshNamespace } from "../../kube/test/cluster-fixture.ts";
import { runCli } from "../src/cli.ts";
import { runCapture } from "./run-cli.ts";

const MAIN = resolve(import.meta.dirname, "../src/main.ts");

function templateDir(t: TestContext, template: string): string {
  const dir = mkdtempSync(join(tmpdir(), `ck-deploy-${template}-`));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function cli(dir: string, argv: string[]) {
  return runCapture(argv, { cwd: dir, env: clusterEnv() });
}

test("the dapp template deploys, reports ready, converges after a change, prunes only its own objects", async (t) => {
  const client = await connectOrSkip(t);
  if (client === undefined) return;
  const dir = templateDir(t, "dapp");
  assert.equal((await cli(dir, ["init", "dapp"])).code, 0);
  const namespace = freshNamespace(t, client, "dapp");

  const deployed = await cli(dir, ["deploy", "--namespace", namespace, "--timeout", "60s"]);
  assert.equal(deployed.code, 0, deployed.stderr + deployed.stdout);
  assert.match(deployed.stdout, /rollout complete: \d+ workloads ready/);
  assert.match(deployed.stdout, new RegExp(`✓ my-dapp deployed to namespace ${namespace}`));
  assert.match(deployed.stdout, /secret postgres-password: generated \(new\)/);

  const status = await cli(dir, ["status", "--kube", "--namespace", namespace, "--json"]);
  assert.equal(status.code, 0, status.stderr);
  const parsed = JSON.parse(status.stdout) as {
    ready: boolean;
    components: { component: string; ready: number; desired: number; healthy: boolean }[];
  };
  assert.equal(parsed.ready, true);
  const names = parsed.components.map((component) => component.component);
  for (const expected of ["dashboard", "eth", "gateway", "indexer", "ipfs", "web"])
    assert.ok(names.includes(expected), `${expected} in ${names.join(",")}`);

  await client.core.createNamespacedConfigMap({
    namespace,
    body: { metadata: { name: "hand-made" }, data: { owner: "a human" } },
  });

  // Remove a service (indexer) and scale the app.
  const file = join(dir, "cryptokube.yaml");
  const changed = readFileSync(file, "utf8")
    .replace(/^ {2}indexer: \{\}.*\n/m, "")
    .replace(/^( {4}build: \..*\n)/m, "$1    replicas: 3\n");
  assert.notEqual(changed, readFileSync(file, "utf8"));
  writeFileSync(file, changed);

  const dry = await cli(dir, ["deploy", "--namespace", namespace, "--dry-run"]);
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(
    dry.stdout,
    /~ Deployment\/web \(update\)\n(?: {4}.*\n)*? {4}~ spec\.replicas: 1 -> 3/,
  );
  assert.match(dry.stdout, /- Deployment\/indexer \(delete\)/);
  assert.doesNotMatch(dry.stdout, /hand-made/);

  const again = await cli(dir, ["deploy", "--namespace", namespace, "--timeout", "60s"]);
  assert.equal(again.code, 0, again.stderr + again.stdout);
  assert.match(again.stdout, /pruning .*Deployment\/indexer/);
  const web = await client.apps.readNamespacedDeployment({ name: "web", namespace });
  assert.equal(web.status?.readyReplicas, 3);
  const deployments = (await client.apps.listNamespacedDeployment({ namespace })).items.map(
    (item) => item.metadata?.name,
  );
  assert.ok(!deployments.includes("indexer"), deployments.join(","));
  assert.equal(
    (await client.core.readNamespacedConfigMap({ name: "hand-made", namespace })).data?.owner,
    "a human",
  );
  const after = JSON.parse(
    (await cli(dir, ["status", "--kube", "-n", namespace, "--json"])).stdout,
  );
  assert.equal(after.ready, true);
});

test("the node template (sepolia geth + lighthouse) deploys and reports ready", async (t) => {
  const client = await connectOrSkip(t);
  if (client === undefined) return;
  const dir = templateDir(t, "node");
  assert.equal((await cli(dir, ["init", "node"])).code, 0);
  const namespace = freshNamespace(t, client, "node");
  const deployed = await cli(dir, ["deploy", "--namespace", namespace, "--timeout", "60s"]);
  assert.equal(deployed.code, 0, deployed.stderr + deployed.stdout);
  const status = JSON.parse(
    (await cli(dir, ["status", "--kube", "-n", namespace, "--json"])).stdout,
  );
  assert.equal(status.ready, true);
  const sets = (await client.apps.listNamespacedStatefulSet({ namespace })).items;
  const containers = sets.flatMap(
    (set) => set.spec?.template.spec?.containers.map((c) => c.name) ?? [],
  );
  assert.ok(
    containers.some((name) => /geth|eth/.test(name)),
    containers.join(","),
  );
  // The execution/consensus pair shares a generated JWT secret, created by this deploy.
  const secrets = (await client.core.listNamespacedSecret({ namespace })).items.map(
    (s) => s.metadata?.name,
  );
  assert.ok(
    secrets.some((name) => name?.includes("jwt")),
    secrets.join(","),
  );
  // The chain data claim uses the storage class of the stack file, and is bound.
  const claims = (await client.core.listNamespacedPersistentVolumeClaim({ namespace })).items;
  assert.ok(
    claims.some(
      (claim) => claim.spec?.storageClassName === "fast-ssd" && claim.status?.phase === "Bound",
    ),
  );
});

test("a deploy killed midway converges when run again, without duplicates", async (t) => {
  const client = await connectOrSkip(t);
  if (client === undefined) return;
  const dir = templateDir(t, "interrupt");
  assert.equal((await cli(dir, ["init", "dapp"])).code, 0);
  const namespace = freshNamespace(t, client, "interrupt");
  // Bounded: three kills, each at a random moment (0-400ms) after the apply has begun.
  let killedMidway = 0;
  for (let round = 0; round < 3; round++) {
    const child = spawn(
      process.execPath,
      [MAIN, "deploy", "--namespace", namespace, "--timeout", "60s"],
      {
        cwd: dir,
        env: clusterEnv(),
        stdio: ["ignore", "pipe", "ignore"],
      },
    );
    t.after(() => child.kill("SIGKILL"));
    let output = "";
    const exited = new Promise((done) => child.once("exit", done));
    const applying = new Promise<void>((done) => {
      child.stdout.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes("applying")) done();
      });
    });
    const patience = new AbortController();
    await Promise.race([
      applying,
      exited,
      sleep(15_000, undefined, { signal: patience.signal }).catch(() => {}),
    ]);
    patience.abort();
    await sleep(Math.floor(Math.random() * 400));
    child.kill("SIGKILL");
    await exited;
    if (output.includes("applying") && !output.includes("✓")) killedMidway += 1;
  }
  assert.ok(killedMidway >= 1, "at least one deploy was killed between apply and completion");
  const again = await cli(dir, ["deploy", "--namespace", namespace, "--timeout", "60s"]);
  assert.equal(again.code, 0, again.stderr + again.stdout);
  const deployments = (await client.apps.listNamespacedDeployment({ namespace })).items;
  const names = deployments.map((item) => item.metadata?.name ?? "");
  assert.equal(new Set(names).size, names.length);
  const pods = (await client.core.listNamespacedPod({ namespace })).items.filter(
    (pod) => pod.metadata?.deletionTimestamp === undefined,
  );
  for (const deployment of deployments) {
    const instance = deployment.spec?.selector.matchLabels?.["app.kubernetes.io/instance"];
    const own = pods.filter(
      (pod) => pod.metadata?.labels?.["app.kubernetes.io/instance"] === instance,
    );
    assert.equal(
      own.length,
      deployment.spec?.replicas,
      `${deployment.metadata?.name} has exactly its replicas`,
    );
  }
  // One generation of each secret: a killed first deploy left it, the rerun kept it.
  const secrets = (await client.core.listNamespacedSecret({ namespace })).items.map(
    (s) => s.metadata?.name,
  );
  assert.equal(secrets.filter((name) => name === "postgres-password").length, 1);
  assert.match(again.stdout, /secret postgres-password: (exists, kept as is|generated \(new\))/);
});

test("an unreachable cluster or an unknown context is an actionable error (no cluster needed)", async (t) => {
  const dir = templateDir(t, "unreachable");
  assert.equal((await runCapture(["init", "dapp"], { cwd: dir })).code, 0);
  const port = await new Promise<number>((done) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port: free } = server.address() as AddressInfo;
      server.close(() => done(free));
    });
  });
  const kubeconfig = join(dir, "kubeconfig");
  writeFileSync(
    kubeconfig,
    [
      "apiVersion: v1",
      "kind: Config",
      "current-context: nowhere",
      `clusters: [{name: nowhere, cluster: {server: "https://127.0.0.1:${port}", insecure-skip-tls-verify: true}}]`,
      "users: [{name: nowhere, user: {token: not-a-secret}}]",
      "contexts: [{name: nowhere, context: {cluster: nowhere, user: nowhere}}]",
    ].join("\n"),
  );
  const env = { KUBECONFIG: kubeconfig, NO_COLOR: "1" };
  const deploy = await runCapture(["deploy", "--timeout", "5s"], { cwd: dir, env });
  assert.equal(deploy.code, 1);
  assert.match(
    deploy.stderr,
    new RegExp(`cannot reach the Kubernetes API server at https://127.0.0.1:${port}`),
  );
  assert.match(deploy.stderr, /hint: .*--context.*scripts\/kube-cluster\/start\.sh/);
  const status = await runCapture(["status", "--kube"], { cwd: dir, env });
  assert.equal(status.code, 1);
  assert.match(status.stderr, /cannot reach the Kubernetes API server/);
  const context = await runCapture(["destroy", "--context", "prod"], { cwd: dir, env });
  assert.equal(context.code, 1);
  assert.match(context.stderr, /context 'prod' is not in the kubeconfig/);
  assert.match(context.stderr, /hint: known contexts: nowhere/);
});

test("Ctrl-C during a deploy stops it with a message saying a re-run converges", async (t) => {
  const client = await connectOrSkip(t);
  if (client === undefined) return;
  const dir = templateDir(t, "sigint");
  assert.equal((await cli(dir, ["init", "dapp"])).code, 0);
  const namespace = freshNamespace(t, client, "sigint");
  const controller = new AbortController();
  let stdout = "";
  let stderr = "";
  const code = await runCli(["deploy", "-n", namespace], {
    cwd: dir,
    env: clusterEnv(),
    stdout: {
      write: (chunk: string) => {
        stdout += chunk;
        // What main.ts does on SIGINT, at the moment the apply starts.
        if (chunk.includes("applying")) controller.abort(new Error("SIGINT"));
      },
    },
    stderr: { write: (chunk: string) => (stderr += chunk) },
    signal: controller.signal,
  });
  assert.equal(code, 1, stdout + stderr);
  assert.match(stderr, /deploy interrupted: what was applied stays; run `cryptokube deploy` again/);
  assert.doesNotMatch(stdout, /✓/);
  const again = await cli(dir, ["deploy", "-n", namespace, "--timeout", "60s"]);
  assert.equal(again.code, 0, again.stderr + again.stdout);
});
