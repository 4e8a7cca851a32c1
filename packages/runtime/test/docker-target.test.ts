/**
 * The docker target against the real engine and the locally built images
 * (`bash scripts/fixtures/images.sh`): two geth devnet containers behind one
 * gateway container. Killing a node's container (`docker kill`) gets it
 * restarted by the supervisor while the gateway keeps answering from the other
 * node; stopping removes every container of the stack and keeps its volumes.
 *
 * The catalog gives one devnet chain one node, so the second upstream is added
 * to the gateway's configuration by hand: a second devnet chain with the same
 * genesis (chain id, funded accounts) serves the same answers.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { createPlan } from "@cryptokube/plan";
import type { Component, Plan } from "@cryptokube/plan/types";
import { createSupervisor, stateLayout } from "@cryptokube/runtime";
import { parseStack } from "@cryptokube/spec";
import { createDockerClient } from "../src/docker/docker-client.ts";
import { dockerStackIdentity } from "../src/docker/stack-identity.ts";
import { listStackVolumes, removeStackVolumes } from "../src/docker/stack-resources.ts";
import { freePort, teardown, tempStackDir, waitFor } from "./fixtures/local-stack.ts";

const FIRST_ACCOUNT = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";

/** Its port block (27000) lies below the kernel's ephemeral port range. */
const STACK = `
name: failover-test
chains:
  eth: { type: ethereum, network: devnet, client: geth }
  eth2: { type: ethereum, network: devnet, client: geth }
services:
  gateway:
    chains: [eth]
`;

function failoverPlan(): Plan {
  const parsed = parseStack(STACK, "cryptokube.yaml");
  assert.ok(parsed.ok, JSON.stringify(parsed));
  const plan = createPlan(parsed.stack, { target: "docker" });
  const gateway = plan.components.find((c) => c.name === "gateway");
  const second = plan.components.find((c) => c.name === "eth2");
  assert.ok(gateway?.run.type === "image" && second !== undefined);
  const args = gateway.run.args;
  const index = args.indexOf("--config-json") + 1;
  const config = JSON.parse(args[index] ?? "{}") as {
    chains: { name: string; upstreams: { name: string; http: string; ws?: string }[] }[];
  };
  const url = (name: string) => second.endpoints.find((e) => e.name === name)?.url ?? "";
  config.chains[0]?.upstreams.push({ name: "eth2", http: url("rpc"), ws: url("ws") });
  args[index] = JSON.stringify(config);
  gateway.dependsOn = ["eth", "eth2"];
  return plan;
}

async function rpc(url: string, method: string, params: unknown[] = []): Promise<unknown> {
  const response = await fetch(url, {
    method: "POST",
    keepalive: false,
    headers: { "content-type": "application/json", connection: "close" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    signal: AbortSignal.timeout(5000),
  });
  const body = (await response.json()) as { result?: unknown; error?: unknown };
  if (body.error !== undefined) throw new Error(JSON.stringify(body.error));
  return body.result;
}

function endpointUrl(component: Component | undefined, name: string): string {
  const url = component?.endpoints.find((e) => e.name === name)?.url;
  assert.ok(url, `no endpoint ${name}`);
  return url;
}

test("docker kill of a node container: restarted by the supervisor, the gateway fails over meanwhile; stop removes the containers, keeps the volumes", async (t) => {
  const stackDir = tempStackDir(t);
  const plan = failoverPlan();
  const docker = createDockerClient(process.env);
  const identity = dockerStackIdentity(plan.stack, stackDir);
  const supervisor = createSupervisor({
    plan,
    stackDir,
    startupTimeoutMs: 90_000,
    backoff: { initialMs: 1000 },
  });
  teardown(t, async () => {
    await supervisor.stop();
    await removeStackVolumes(docker, identity).catch(() => {});
  });
  await supervisor.start();

  const gatewayUrl = `${endpointUrl(
    plan.components.find((c) => c.name === "gateway"),
    "http",
  )}/eth`;
  assert.equal(await rpc(gatewayUrl, "eth_chainId"), "0x7a69");
  const eth = supervisor.status().find((record) => record.name === "eth");
  assert.ok(eth?.containerId, "eth runs in a container");
  const info = await docker.getContainer(eth.containerId).inspect();
  assert.equal(info.HostConfig.NetworkMode, "host");
  assert.equal(info.Config.Labels["dev.cryptokube.stack-dir"], identity.dirHash);
  assert.equal(info.Config.User, "10001:10001", "runs as non-root");

  // Failover needs somewhere to go: the gateway may have probed eth2 before it listened.
  const healthUrl = gatewayUrl.replace(/\/eth$/, "/healthz");
  await waitFor(
    async () => {
      const health = (await (await fetch(healthUrl)).json()) as {
        chains: { eth: { upstreams: { status: string }[] } };
      };
      return health.chains.eth.upstreams.every((u) => u.status === "healthy");
    },
    10_000,
    "the gateway to have both nodes in rotation",
  );
  await docker.getContainer(eth.containerId).kill();
  // While eth is down and being restarted, every read through the gateway is answered (by eth2).
  let servedWhileDown = 0;
  await waitFor(
    async () => {
      const balance = (await rpc(gatewayUrl, "eth_getBalance", [
        FIRST_ACCOUNT,
        "latest",
      ])) as string;
      assert.ok(BigInt(balance) > 0n, "a funded account, whichever node answered");
      const now = supervisor.status().find((record) => record.name === "eth");
      if (now?.state !== "ready") servedWhileDown += 1;
      return now?.state === "ready" && now.restarts >= 1 && now.containerId !== eth.containerId;
    },
    60_000,
    "eth to be restarted and ready",
  );
  assert.ok(servedWhileDown > 0, "no request was made while eth was down");
  const log = readFileSync(stateLayout(stackDir).logFile("supervisor"), "utf8");
  assert.match(log, /eth exited \(signal SIGKILL\); restarting in/);

  await supervisor.stop();
  const left = await docker.listContainers({ all: true, filters: identity.filters() });
  assert.deepEqual(left, [], "no container of the stack after stop");
  const volumes = await listStackVolumes(docker, identity);
  assert.deepEqual(volumes.sort(), [
    identity.volumeName("eth", "data"),
    identity.volumeName("eth2", "data"),
  ]);
});

test("an app with build: is built by the engine and run as a container; a command-only app stays a host process", async (t) => {
  const stackDir = tempStackDir(t);
  const docker = createDockerClient(process.env);
  const port = await freePort();
  const hostPort = await freePort();
  mkdirSync(join(stackDir, "api"));
  writeFileSync(
    join(stackDir, "api", "server.mjs"),
    `import { createServer } from "node:http";
createServer((req, res) => res.end(JSON.stringify({ from: "container", greeting: process.env.GREETING, uid: process.getuid() })))
  .listen(Number(process.env.PORT), "127.0.0.1", () => console.log("api listening"));
`,
  );
  // The platform's Node.js image, built locally like every image here: nothing is pulled.
  writeFileSync(
    join(stackDir, "api", "Dockerfile"),
    'FROM cryptokube/node:24.21.0\nCOPY server.mjs /srv/server.mjs\nCMD ["/srv/server.mjs"]\n',
  );
  writeFileSync(join(stackDir, "api", ".dockerignore"), "secret.txt\n");
  writeFileSync(join(stackDir, "api", "secret.txt"), "not for the image\n");
  const parsed = parseStack(
    `name: build-test
apps:
  api:
    build: ./api
    ports: { http: ${port} }
    env: { GREETING: hello }
    health: { http: / }
  host:
    command: exec "${process.execPath}" -e 'require("node:http").createServer((q, s) => s.end("host")).listen(${hostPort}, "127.0.0.1")'
    ports: { http: ${hostPort} }
`,
    "cryptokube.yaml",
  );
  assert.ok(parsed.ok, JSON.stringify(parsed));
  const plan = createPlan(parsed.stack, { target: "docker" });
  const supervisor = createSupervisor({ plan, stackDir, startupTimeoutMs: 120_000 });
  teardown(t, async () => {
    await supervisor.stop();
    await docker
      .getImage("build-test-api:dev")
      .remove({ force: true })
      .catch(() => {});
  });
  await supervisor.start();
  const answer = (await (await fetch(`http://127.0.0.1:${port}/`)).json()) as unknown;
  assert.deepEqual(answer, { from: "container", greeting: "hello", uid: 10001 });
  const [api, host] = ["api", "host"].map((name) =>
    supervisor.status().find((record) => record.name === name),
  );
  assert.ok(api?.containerId, "the built app runs in a container");
  assert.equal(host?.containerId, undefined, "the command app is a host process");
  assert.equal(await (await fetch(`http://127.0.0.1:${hostPort}/`)).text(), "host");
  // .dockerignore is honoured: the ignored file never reached the engine.
  const listing = spawnSync(
    "docker",
    [
      "run",
      "--rm",
      "--entrypoint",
      "node",
      "build-test-api:dev",
      "-e",
      "console.log(require('node:fs').readdirSync('/srv').join(','))",
    ],
    { encoding: "utf8" },
  );
  assert.equal(listing.stdout.trim(), "server.mjs", listing.stderr);
  const log = readFileSync(stateLayout(stackDir).logFile("supervisor"), "utf8");
  assert.match(log, /api: building image build-test-api:dev/);
});
