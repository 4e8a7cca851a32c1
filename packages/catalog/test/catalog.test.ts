import assert from "node:assert/strict";
import { test } from "node:test";
import {
  CATALOG,
  createCatalog,
  describePackage,
  ethereumPackage,
  imageRef,
  listPackages,
} from "@cryptokube/catalog";
import { TARGETS } from "@cryptokube/plan/types";
import { devnetGenesis } from "../src/packages/ethereum/genesis.ts";

const QUANTITY = /^\d+(\.\d+)?(m|Ki|Mi|Gi|Ti)?$/;

const EXPECTED_PACKAGES = [
  "ethereum",
  "bitcoin",
  "lightning",
  "ipfs",
  "gateway",
  "indexer",
  "dashboard",
  "postgres",
  "prometheus",
  "grafana",
  "app",
];

test("the catalog lists every v1 package once", () => {
  assert.deepEqual(
    CATALOG.packages.map((p) => p.id),
    EXPECTED_PACKAGES,
  );
  assert.deepEqual(
    listPackages().map((p) => p.id),
    EXPECTED_PACKAGES,
  );
  assert.throws(() => createCatalog({ packages: [ethereumPackage] }), /share the id 'ethereum'/);
});

test("every variant declares sane targets, endpoints, volumes, health, metrics and resources", () => {
  for (const pkg of CATALOG.packages) {
    assert.ok(pkg.description.length > 0, pkg.id);
    for (const [role, names] of Object.entries(pkg.auto)) {
      for (const name of names) {
        assert.ok(
          pkg.variants.some((v) => v.name === name && v.role === role),
          `${pkg.id} auto ${name}`,
        );
      }
    }
    for (const v of pkg.variants) {
      const where = `${pkg.id}/${v.name}`;
      assert.ok(v.targets.length > 0, `${where} targets`);
      for (const t of v.targets) assert.ok(TARGETS.includes(t), `${where} target ${t}`);
      assert.match(v.version, /^[0-9a-z][\w.-]*$/, `${where} version`);
      const names = v.endpoints.map((e) => e.name);
      assert.equal(new Set(names).size, names.length, `${where} endpoint names unique`);
      for (const e of v.endpoints) {
        assert.ok(e.port >= 1 && e.port <= 65535, `${where} ${e.name} port`);
        if (e.samePortAs !== undefined)
          assert.ok(names.includes(e.samePortAs), `${where} ${e.name}`);
      }
      const ports = v.endpoints.filter((e) => e.samePortAs === undefined).map((e) => e.port);
      assert.equal(new Set(ports).size, ports.length, `${where} default ports distinct`);
      for (const vol of v.volumes) {
        assert.ok(vol.mountPath.startsWith("/"), `${where} ${vol.name} mountPath`);
        assert.match(vol.size, QUANTITY, `${where} ${vol.name} size`);
      }
      const probes = [...v.health.readiness, ...v.health.liveness];
      for (const p of probes) {
        if ("endpoint" in p)
          assert.ok(names.includes(p.endpoint), `${where} probe ${p.type} on ${p.endpoint}`);
      }
      if (v.metrics !== undefined)
        assert.ok(names.includes(v.metrics.endpoint), `${where} metrics`);
      assert.match(v.resources.cpu, QUANTITY, `${where} cpu`);
      assert.match(v.resources.memory, QUANTITY, `${where} memory`);
      // Anything runnable off the embedded target needs an image or a binary.
      const containers = v.targets.some((t) => t === "docker" || t === "kubernetes");
      if (containers && pkg.id !== "app") assert.ok(v.image !== undefined, `${where} image`);
    }
  }
});

test("variants run on the targets the product promises", () => {
  const targets = (pkg: string, variant: string) =>
    [...(CATALOG.get(pkg)?.variants.find((v) => v.name === variant)?.targets ?? [])].sort();
  const all = ["docker", "embedded", "kubernetes", "process"];
  const native = ["docker", "kubernetes", "process"];
  const containers = ["docker", "kubernetes"];
  assert.deepEqual(targets("ethereum", "edr"), ["embedded"]);
  assert.deepEqual(targets("ipfs", "helia"), ["embedded"]);
  for (const [p, v] of [
    ["ethereum", "geth"],
    ["ipfs", "kubo"],
    ["bitcoin", "btcd"],
    ["lightning", "lnd"],
  ]) {
    assert.deepEqual(targets(p as string, v as string), native, `${p}/${v}`);
  }
  for (const [p, v] of [
    ["ethereum", "reth"],
    ["ethereum", "lighthouse"],
    ["ethereum", "teku"],
    ["bitcoin", "bitcoind"],
    ["postgres", "postgres"],
    ["grafana", "grafana"],
  ]) {
    assert.deepEqual(targets(p as string, v as string), containers, `${p}/${v}`);
  }
  assert.deepEqual(targets("prometheus", "prometheus"), native);
  for (const p of ["gateway", "indexer", "dashboard"])
    assert.deepEqual(targets(p, "cryptokube"), all);
});

test("pinned images carry real upstream tags", () => {
  const image = (pkg: string, variant: string) => {
    const v = CATALOG.get(pkg)?.variants.find((x) => x.name === variant);
    assert.ok(v);
    return imageRef(v);
  };
  assert.match(image("ethereum", "geth"), /^ethereum\/client-go:v1\.17\.\d+$/);
  assert.match(image("ethereum", "lighthouse"), /^sigp\/lighthouse:v\d+\.\d+\.\d+$/);
  assert.match(image("ipfs", "kubo"), /^ipfs\/kubo:v0\.4\d\.\d+$/);
  assert.match(image("lightning", "lnd"), /^lightninglabs\/lnd:v0\.21\.\d+-beta$/);
  assert.match(image("bitcoin", "bitcoind"), /^bitcoin\/bitcoin:(28|29)\.\d+$/);
  assert.match(image("postgres", "postgres"), /^postgres:17\.\d+$/);
  assert.match(image("prometheus", "prometheus"), /^prom\/prometheus:v3\.\d+\.\d+$/);
  assert.match(image("grafana", "grafana"), /^grafana\/grafana:12\.\d+\.\d+$/);
  assert.equal(image("gateway", "cryptokube"), "cryptokube/platform:0.1.0");
  const geth = ethereumPackage.variants.find((v) => v.name === "geth");
  assert.ok(geth);
  // A stack's version override works with or without the tag prefix.
  assert.equal(imageRef(geth, "1.16.3"), "ethereum/client-go:v1.16.3");
  assert.equal(imageRef(geth, "v1.16.3"), "ethereum/client-go:v1.16.3");
});

test("describePackage returns plain data for the CLI", () => {
  const eth = describePackage("ethereum");
  assert.deepEqual(
    eth.variants.map((v) => `${v.role}:${v.name}`),
    ["client:edr", "client:geth", "client:reth", "consensus:lighthouse", "consensus:teku"],
  );
  const geth = eth.variants.find((v) => v.name === "geth");
  assert.deepEqual(geth?.metrics, { endpoint: "metrics", path: "/debug/metrics/prometheus" });
  assert.deepEqual(geth?.resources, {
    requests: { cpu: "2", memory: "8Gi" },
    limits: { cpu: "4", memory: "8Gi" },
  });
  assert.equal(eth.variants[0]?.image, null);
  assert.deepEqual(JSON.parse(JSON.stringify(eth)), eth, "JSON round-trips");
  assert.equal((eth.config as { type?: string }).type, "object");
  assert.throws(() => describePackage("etherium"), /no catalog package 'etherium'/);
});

test("devnet genesis funds the mnemonic's accounts on the stack's chain id", () => {
  const genesis = devnetGenesis({
    chainId: 31337,
    mnemonic: "test test test test test test test test test test test junk",
    accounts: 2,
    balance: 1.5,
  });
  assert.equal((genesis.config as { chainId: number }).chainId, 31337);
  assert.deepEqual(genesis.alloc, {
    // The well-known first two accounts of this mnemonic.
    "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266": { balance: "0x14d1120d7b160000" },
    "0x70997970c51812dc3a010c7d01b50e0d17dc79c8": { balance: "0x14d1120d7b160000" },
  });
});
