/**
 * Plans every variant of every package on a target it supports and checks that
 * no secret material reaches the plan: secret-bearing flags take a token, and
 * nothing looks like generated key material.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { CATALOG } from "@cryptokube/catalog";
import { createPlan, type Plan, type TargetName } from "@cryptokube/plan";
import { stackSchema } from "../../spec/src/schema.ts";

const COVERAGE: Array<[TargetName, unknown]> = [
  [
    "embedded",
    {
      name: "a",
      chains: { eth: { type: "ethereum" } },
      storage: { ipfs: {} },
      services: { gateway: {}, indexer: {}, wallet: {} },
    },
  ],
  [
    "process",
    {
      name: "b",
      chains: { eth: { type: "ethereum", client: "geth" } },
      services: { monitoring: { grafana: false } },
    },
  ],
  [
    "kubernetes",
    {
      name: "c",
      chains: {
        eth: { type: "ethereum", network: "sepolia", client: "geth", consensus: "lighthouse" },
      },
      services: { monitoring: {} },
    },
  ],
  [
    "docker",
    {
      name: "d",
      chains: { eth: { type: "ethereum", network: "hoodi", client: "reth", consensus: "teku" } },
    },
  ],
  ["docker", { name: "e", chains: { dev: { type: "ethereum", client: "reth" } } }],
  [
    "kubernetes",
    {
      name: "f",
      chains: {
        btc: { type: "bitcoin", network: "mainnet", client: "bitcoind", lightning: { nodes: 1 } },
      },
      storage: { ipfs: {} },
    },
  ],
  [
    "process",
    { name: "g", chains: { btc: { type: "bitcoin", network: "signet", lightning: { nodes: 1 } } } },
  ],
  [
    "kubernetes",
    {
      name: "h",
      chains: { eth: { type: "ethereum" } },
      services: { indexer: {}, dashboard: {} },
      apps: { web: { image: "web:1", ports: { http: 80 } } },
    },
  ],
];

const SECRET_FLAG = /(jwt|pass(word)?|secret|rpcauth|private|mnemonic)/i;
/** Values a secret-bearing flag may take: a token, or a well-known regtest/devnet value. */
const ALLOWED = [/\{\{secret:[^}]+\}\}/, /\$\([A-Z_]+\)/, /^cryptokube$/];

function argsOf(plan: Plan): Array<[string, string[]]> {
  return plan.components.map((c) => {
    if (c.run.type === "command") return [c.name, [c.run.command]];
    return [c.name, c.run.args];
  });
}

test("every variant is exercised by the coverage stacks", () => {
  const seen = new Set<string>();
  for (const [target, input] of COVERAGE) {
    for (const c of createPlan(stackSchema.parse(input), { target }).components) {
      seen.add(`${c.package}/${c.variant}`);
    }
  }
  const all = CATALOG.packages.flatMap((p) => p.variants.map((v) => `${p.id}/${v.name}`));
  assert.deepEqual(
    all.filter((v) => !seen.has(v)),
    [],
  );
});

test("no variant's args or env carry literal secrets", () => {
  for (const [target, input] of COVERAGE) {
    const plan = createPlan(stackSchema.parse(input), { target });
    for (const [name, args] of argsOf(plan)) {
      const words = args.flatMap((a) => a.split(/\s+/));
      words.forEach((word, i) => {
        assert.doesNotMatch(
          word,
          /[0-9a-f]{32,}/i,
          `${plan.stack}/${name}: key-like material in ${word}`,
        );
        const [flag = "", inline] = word.split("=", 2);
        if (!flag.startsWith("-") || !SECRET_FLAG.test(flag)) return;
        if (/unlock-allow-create|tls/.test(flag)) return;
        // A devnet's mnemonic is public by design; the coverage devnet uses the well-known one.
        if (
          flag === "--mnemonic" &&
          args.join(" ").includes("test test test test test test test test test test test junk")
        )
          return;
        const value = inline ?? words[i + 1] ?? "";
        assert.ok(
          ALLOWED.some((re) => re.test(value.replaceAll("'", ""))),
          `${plan.stack}/${name}: ${flag} takes '${value}', not a secret token`,
        );
      });
    }
    for (const c of plan.components) {
      for (const [key, value] of Object.entries(c.env)) {
        if (typeof value !== "string" || !SECRET_FLAG.test(key) || key === "DEVNET_MNEMONIC")
          continue;
        assert.fail(`${plan.stack}/${c.name}: env ${key} holds a literal value`);
      }
    }
    // Every secret a component reads is declared, so a target can generate or demand it.
    const declared = new Set(plan.secrets.map((s) => s.name));
    for (const c of plan.components) {
      for (const value of Object.values(c.env)) {
        if (typeof value !== "string")
          assert.ok(declared.has(value.secret), `${c.name} reads ${value.secret}`);
      }
      for (const arg of argsOf(plan).find(([n]) => n === c.name)?.[1] ?? []) {
        for (const m of arg.matchAll(/\{\{secret:([^/}]+)\/([^}]+)\}\}/g)) {
          const secret = plan.secrets.find((s) => s.name === m[1]);
          assert.ok(secret?.keys.includes(m[2] ?? ""), `${c.name} token ${m[0]}`);
          assert.ok(secret?.usedBy.includes(c.name), `${c.name} listed as user of ${m[1]}`);
        }
      }
    }
  }
});
