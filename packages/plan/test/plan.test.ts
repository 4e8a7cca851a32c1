// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the stack file's ${...} reference syntax, not JS templates
import assert from "node:assert/strict";
import { test } from "node:test";
import { PlanError } from "@cryptokube/core";
import { createPlan, defaultPortBase, type Plan, type TargetName } from "@cryptokube/plan";
import { loadFixture, stackOf } from "./load-fixture.ts";

function component(plan: Plan, name: string) {
  const c = plan.components.find((x) => x.name === name);
  assert.ok(c, `component ${name} in plan`);
  return c;
}

function planError(input: unknown, target: TargetName): PlanError {
  try {
    createPlan(stackOf(input), { target });
  } catch (error) {
    assert.ok(error instanceof PlanError, `expected PlanError, got ${String(error)}`);
    return error;
  }
  assert.fail("expected a PlanError");
}

const devnet = { eth: { type: "ethereum" } };

test("components are named after the stack and sorted dependencies-first, ties by name", () => {
  const plan = createPlan(loadFixture("dapp"), { target: "embedded" });
  assert.deepEqual(
    plan.components.map((c) => c.name),
    ["eth", "gateway", "indexer", "ipfs", "dashboard", "web"],
  );
  assert.deepEqual(component(plan, "dashboard").dependsOn, ["gateway", "indexer", "ipfs"]);
  assert.deepEqual(component(plan, "web").dependsOn, ["eth", "gateway", "ipfs"]);
  assert.equal(component(plan, "eth").variant, "edr");
  assert.equal(component(plan, "ipfs").variant, "helia");
});

test("auto variants: geth and kubo off the embedded target; lighthouse on public networks", () => {
  const plan = createPlan(
    stackOf({
      name: "s",
      chains: { eth: { type: "ethereum", network: "hoodi" } },
      storage: { ipfs: {} },
    }),
    { target: "kubernetes" },
  );
  assert.deepEqual(
    plan.components.map((c) => `${c.name}:${c.variant}`),
    ["eth:geth", "eth-consensus:lighthouse", "ipfs:kubo"],
  );
  assert.deepEqual(plan.secrets, [
    {
      name: "eth-jwt",
      generate: { kind: "hex", bytes: 32 },
      keys: ["jwt.hex"],
      usedBy: ["eth", "eth-consensus"],
    },
  ]);
  const consensus = component(plan, "eth-consensus");
  assert.ok(consensus.run.type === "binary");
  assert.ok(consensus.run.args.includes("{{secret:eth-jwt/jwt.hex}}"));
  assert.ok(consensus.run.args.includes("http://eth.s.svc.cluster.local:8551"));
});

test("local ports: a block from local.portBase in component order; app ports as declared", () => {
  const plan = createPlan(
    stackOf({
      name: "ports",
      local: { portBase: 30000 },
      chains: devnet,
      storage: { ipfs: {} },
      apps: { web: { command: "true", ports: { http: 30001, admin: 4000 } } },
    }),
    { target: "embedded" },
  );
  const ports = plan.components.flatMap((c) =>
    c.endpoints.map((e) => `${c.name}.${e.name}=${e.port}`),
  );
  // 30001 is the app's: the block skips it. The devnet's ws shares the rpc port.
  assert.deepEqual(ports, [
    "eth.rpc=30000",
    "eth.ws=30000",
    "ipfs.api=30002",
    "ipfs.gateway=30003",
    "web.http=30001",
    "web.admin=4000",
  ]);
  assert.equal(component(plan, "eth").endpoints[0]?.url, "http://127.0.0.1:30000");
});

test("the default port base is derived from the stack name, deterministically", () => {
  const base = defaultPortBase("my-dapp");
  assert.equal(base, defaultPortBase("my-dapp"));
  assert.ok(base >= 10000 && base + 99 < 32768 && base % 100 === 0);
  assert.notEqual(defaultPortBase("other-stack"), base);
  const plan = createPlan(stackOf({ name: "my-dapp", chains: devnet }), { target: "process" });
  assert.equal(component(plan, "eth").endpoints[0]?.port, base);
});

test("kubernetes keeps catalog ports and uses cluster DNS in the stack's namespace", () => {
  const plan = createPlan(
    stackOf({
      name: "k",
      kubernetes: { namespace: "prod" },
      chains: devnet,
      services: { gateway: {} },
    }),
    { target: "kubernetes" },
  );
  assert.equal(plan.namespace, "prod");
  assert.equal(component(plan, "eth").endpoints[0]?.url, "http://eth.prod.svc.cluster.local:8545");
  assert.equal(
    component(plan, "gateway").endpoints[0]?.url,
    "http://gateway.prod.svc.cluster.local:8080",
  );
  assert.equal(component(plan, "gateway").scaling.replicas, 2);
});

test("references go through the gateway when it serves the chain, else to the node", () => {
  const app = {
    command: "node app.ts",
    ports: { http: 3000 },
    env: {
      RPC: "${chains.eth.rpc}",
      WS: "${chains.eth.ws}",
      ID: "${chains.eth.chainId}",
      LIT: "$${x}",
    },
  };
  const withGateway = createPlan(
    stackOf({
      name: "g",
      local: { portBase: 40000 },
      chains: devnet,
      services: { gateway: {} },
      apps: { web: app },
    }),
    { target: "embedded" },
  );
  const env = component(withGateway, "web").env;
  assert.equal(env.RPC, "http://127.0.0.1:40001/eth");
  assert.equal(env.WS, "ws://127.0.0.1:40001/eth");
  assert.equal(env.ID, "31337");
  assert.equal(env.LIT, "${x}");
  assert.deepEqual(component(withGateway, "web").dependsOn, ["gateway"]);

  const direct = createPlan(
    stackOf({ name: "g", local: { portBase: 40000 }, chains: devnet, apps: { web: app } }),
    { target: "embedded" },
  );
  assert.equal(component(direct, "web").env.RPC, "http://127.0.0.1:40000");
  assert.deepEqual(component(direct, "web").dependsOn, ["eth"]);

  const onCluster = createPlan(
    stackOf({ name: "g", chains: devnet, apps: { web: { ...app, image: "web:1" } } }),
    { target: "kubernetes" },
  );
  assert.equal(component(onCluster, "web").env.RPC, "http://eth.g.svc.cluster.local:8545");
});

test("references resolve in commands, to app ports and to service URLs", () => {
  const plan = createPlan(
    stackOf({
      name: "r",
      local: { portBase: 41000 },
      storage: { ipfs: {} },
      apps: {
        api: { command: "node api.ts", ports: { http: 8000, metrics: 9100 } },
        web: {
          command: "serve --api ${apps.api.url} --metrics ${apps.api.metrics}",
          env: { IPFS: "${storage.ipfs.api}" },
        },
      },
    }),
    { target: "process" },
  );
  const web = component(plan, "web");
  assert.ok(web.run.type === "command");
  assert.equal(
    web.run.command,
    "serve --api http://127.0.0.1:8000 --metrics http://127.0.0.1:9100",
  );
  assert.equal(web.env.IPFS, "http://127.0.0.1:41000");
  assert.deepEqual(web.dependsOn, ["api", "ipfs"]);
});

test("unresolvable references are PlanErrors at the document path", () => {
  const error = planError(
    {
      name: "bad",
      chains: devnet,
      apps: { web: { command: "x", env: { RPC: "${chains.btc.rpc}", P: "${chains.eth.nope}" } } },
    },
    "embedded",
  );
  assert.deepEqual(
    error.problems.map((p) => p.path),
    ["apps.web.env.RPC", "apps.web.env.P"],
  );
  assert.match(error.problems[0]?.message ?? "", /chains\.btc, which the stack does not declare/);
  assert.match(error.problems[1]?.suggestion ?? "", /rpc, ws, chainId/);
});

test("conventional env vars are injected into apps; user env wins", () => {
  const plan = createPlan(
    stackOf({
      name: "conv",
      local: { portBase: 42000 },
      chains: devnet,
      storage: { ipfs: {} },
      services: { gateway: {}, indexer: {}, wallet: {} },
      apps: {
        web: { command: "x", ports: { http: 3000, admin: 3001 }, env: { GATEWAY_URL: "mine" } },
      },
    }),
    { target: "embedded" },
  );
  const env = component(plan, "web").env;
  const gw = component(plan, "gateway").endpoints[0]?.url;
  assert.equal(env.CRYPTOKUBE_STACK, "conv");
  assert.equal(env.CRYPTOKUBE_TARGET, "embedded");
  assert.equal(env.PORT, "3000");
  assert.equal(env.PORT_HTTP, "3000");
  assert.equal(env.PORT_ADMIN, "3001");
  assert.equal(env.CHAIN_ETH_RPC_URL, `${gw}/eth`);
  assert.equal(env.CHAIN_ETH_WS_URL, `${gw?.replace("http", "ws")}/eth`);
  assert.equal(env.CHAIN_ETH_ID, "31337");
  assert.equal(env.ETH_RPC_URL, `${gw}/eth`);
  assert.equal(env.DEVNET_MNEMONIC, "test test test test test test test test test test test junk");
  assert.equal(env.IPFS_API_URL, component(plan, "ipfs").endpoints[0]?.url);
  assert.equal(env.INDEXER_URL, component(plan, "indexer").endpoints[0]?.url);
  assert.equal(env.DASHBOARD_URL, component(plan, "dashboard").endpoints[0]?.url);
  assert.equal(env.GATEWAY_URL, "mine");
  assert.deepEqual(Object.keys(env), Object.keys(env).sort());
});

test("target errors name the package, variant, target, what it supports, and the fix", () => {
  const edr = planError(
    { name: "t", chains: { eth: { type: "ethereum", client: "edr" } } },
    "kubernetes",
  );
  assert.deepEqual(edr.problems, [
    {
      path: "chains.eth.client",
      message:
        "ethereum client 'edr' cannot run on target 'kubernetes'; it supports: embedded. Use client: geth",
      expected: "embedded",
      found: "kubernetes",
    },
  ]);
  const helia = planError({ name: "t", storage: { ipfs: { client: "helia" } } }, "docker");
  assert.equal(helia.problems[0]?.path, "storage.ipfs.client");
  assert.equal(
    helia.problems[0]?.message,
    "ipfs client 'helia' cannot run on target 'docker'; it supports: embedded. Use client: kubo",
  );
});

test("a devnet is one node; a public network needs a network-capable client", () => {
  const replicas = planError(
    { name: "t", chains: { eth: { type: "ethereum", replicas: 2 } } },
    "embedded",
  );
  assert.equal(replicas.problems[0]?.path, "chains.eth.replicas");
  assert.match(replicas.problems[0]?.message ?? "", /a devnet is one node/);
  const network = planError(
    {
      name: "t",
      chains: { eth: { type: "ethereum", network: "devnet", consensus: "lighthouse" } },
    },
    "kubernetes",
  );
  assert.equal(network.problems[0]?.path, "chains.eth.consensus");
  assert.match(network.problems[0]?.message ?? "", /cannot join network 'devnet'.*consensus: none/);
});

test("name collisions between entries are PlanErrors naming both", () => {
  const error = planError(
    { name: "t", chains: devnet, services: { gateway: {} }, apps: { gateway: { command: "x" } } },
    "embedded",
  );
  assert.deepEqual(error.problems[0], {
    path: "apps.gateway",
    message: "component name 'gateway' is used by both services.gateway and apps.gateway",
    suggestion: "rename one of them (e.g. gateway-2)",
  });
});

test("dependency cycles are PlanErrors", () => {
  const error = planError(
    {
      name: "t",
      apps: { a: { command: "x", depends_on: ["b"] }, b: { command: "y", depends_on: ["a"] } },
    },
    "process",
  );
  assert.equal(error.problems[0]?.message, "dependency cycle: a → b → a");
  const unknown = planError(
    { name: "t", apps: { a: { command: "x", depends_on: ["zz"] } } },
    "process",
  );
  assert.equal(unknown.problems[0]?.path, "apps.a.depends_on[0]");
});

test("command-only apps cannot run on kubernetes", () => {
  const error = planError({ name: "t", apps: { web: { command: "node x.ts" } } }, "kubernetes");
  assert.equal(error.problems[0]?.path, "apps.web");
  assert.match(error.problems[0]?.message ?? "", /runs container images/);
});

test("indexer gets postgres on kubernetes unless database.dsnSecret; PGlite locally", () => {
  const stack = { name: "ix", chains: devnet, services: { indexer: {} } };
  const cluster = createPlan(stackOf(stack), { target: "kubernetes" });
  assert.deepEqual(
    cluster.components.map((c) => c.name),
    ["eth", "postgres", "indexer"],
  );
  assert.deepEqual(component(cluster, "indexer").env.PGPASSWORD, {
    secret: "postgres-password",
    key: "password",
  });
  assert.deepEqual(cluster.secrets[0]?.usedBy, ["indexer", "postgres"]);
  const local = createPlan(stackOf(stack), { target: "process" });
  assert.deepEqual(
    local.components.map((c) => c.name),
    ["eth", "indexer"],
  );
  const settings = component(local, "indexer").settings.indexer as { database: unknown };
  assert.deepEqual(settings.database, { kind: "pglite", dataDir: "{{volume:data}}" });
  const external = createPlan(
    stackOf({ ...stack, services: { indexer: { database: { dsnSecret: "pg-dsn" } } } }),
    { target: "kubernetes" },
  );
  assert.deepEqual(
    external.components.map((c) => c.name),
    ["eth", "indexer"],
  );
  assert.equal(external.secrets[0]?.generate.kind, "external");
});

test("services.wallet alone plans a dashboard carrying the wallet settings", () => {
  const plan = createPlan(stackOf({ name: "w", chains: devnet, services: { wallet: {} } }), {
    target: "embedded",
  });
  const dashboard = component(plan, "dashboard");
  assert.equal(dashboard.source, "services.wallet");
  const settings = dashboard.settings.dashboard as {
    wallet: { chain: string; faucet: boolean; chainId: number };
  };
  assert.equal(settings.wallet.chain, "eth");
  assert.equal(settings.wallet.chainId, 31337);
  assert.equal(settings.wallet.faucet, true);
});

test("gateway config matches the shape the gateway reads", () => {
  const key = "a".repeat(64);
  const plan = createPlan(
    stackOf({
      name: "gw",
      local: { portBase: 43000 },
      chains: devnet,
      services: {
        gateway: {
          apiKeys: [{ name: "ci", sha256: key, rateLimit: { rps: 5 } }],
          cors: { origins: ["http://localhost:3000"] },
        },
      },
    }),
    { target: "embedded" },
  );
  const gateway = component(plan, "gateway");
  assert.ok(gateway.run.type === "node");
  assert.equal(gateway.run.module, "@cryptokube/gateway/main");
  assert.equal(gateway.run.args[0], "--config-json");
  const config = JSON.parse(gateway.run.args[1] ?? "");
  assert.deepEqual(config, {
    host: "127.0.0.1",
    port: 43001,
    maxLag: 3,
    cache: { maxBytes: 67108864, finalityDepth: 12 },
    apiKeys: [{ name: "ci", sha256: key, rateLimit: { rps: 5 } }],
    cors: { origins: ["http://localhost:3000"] },
    chains: [
      {
        name: "eth",
        type: "ethereum",
        chainId: 1337 + 30000,
        upstreams: [{ name: "eth", http: "http://127.0.0.1:43000", ws: "ws://127.0.0.1:43000" }],
      },
    ],
  });
  assert.deepEqual(gateway.settings.gateway, config);
});

test("prometheus scrapes every component with a metrics endpoint", () => {
  const plan = createPlan(
    stackOf({
      name: "m",
      chains: devnet,
      services: { gateway: {}, monitoring: { grafana: false } },
    }),
    { target: "kubernetes" },
  );
  const scrape = component(plan, "prometheus").settings.prometheus as {
    scrape_configs: Array<{
      job_name: string;
      metrics_path: string;
      static_configs: Array<{ targets: string[] }>;
    }>;
  };
  assert.deepEqual(
    scrape.scrape_configs.map((j) => [j.job_name, j.metrics_path, j.static_configs[0]?.targets]),
    [
      ["eth", "/debug/metrics/prometheus", ["eth.m.svc.cluster.local:6060"]],
      ["gateway", "/metrics", ["gateway.m.svc.cluster.local:8080"]],
      ["prometheus", "/metrics", ["prometheus.m.svc.cluster.local:9090"]],
    ],
  );
  const files = component(plan, "prometheus").settings.files as Record<string, string>;
  assert.deepEqual(JSON.parse(files["prometheus.yml"] ?? ""), scrape);
});

test("resources: catalog defaults overridden by the stack; cpu limit 2x, memory limit = request", () => {
  const plan = createPlan(
    stackOf({
      name: "r",
      chains: { eth: { type: "ethereum", network: "sepolia", resources: { cpu: "750m" } } },
    }),
    { target: "kubernetes" },
  );
  assert.deepEqual(component(plan, "eth").resources, {
    requests: { cpu: "750m", memory: "8Gi" },
    limits: { cpu: "1500m", memory: "8Gi" },
  });
});

test("plans are deterministic: two runs are byte-identical", () => {
  for (const target of ["embedded", "kubernetes"] as const) {
    const a = JSON.stringify(createPlan(loadFixture("dapp"), { target }), null, 2);
    const b = JSON.stringify(createPlan(loadFixture("dapp"), { target }), null, 2);
    assert.equal(a, b);
  }
});
