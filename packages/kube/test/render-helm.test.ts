/**
 * The Helm export: the chart passes `helm lint`, and `helm template` with the
 * default values gives exactly the objects of the YAML render (compared as parsed
 * documents, order-independent because helm sorts by kind). Needs the helm binary
 * the test cluster script builds; in CI its absence fails with how to get it.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, globSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, describe, it, type TestContext } from "node:test";
import { parseAllDocuments } from "yaml";
import {
  generateSecretMaterial,
  type KubeObject,
  renderHelmChart,
  renderManifests,
  secretsValuesYaml,
} from "../src/index.ts";
import { templatePlan } from "./template-plan.ts";

const HOW_TO =
  "helm not found: build it with `bash scripts/kube-cluster/build.sh helm` (cached under ~/.cache/cryptokube/kube), or set CRYPTOKUBE_HELM=/path/to/helm";

function findHelm(): string | undefined {
  const given = process.env.CRYPTOKUBE_HELM;
  if (given !== undefined && given !== "") return given;
  const cache = join(
    process.env.CRYPTOKUBE_CACHE ?? join(homedir(), ".cache", "cryptokube"),
    "kube",
  );
  const built = globSync("helm-*/helm", { cwd: cache }).sort().reverse()[0];
  if (built !== undefined) return join(cache, built);
  if (existsSync(join(cache, "bin", "helm"))) return join(cache, "bin", "helm");
  for (const dir of (process.env.PATH ?? "").split(":"))
    if (dir !== "" && existsSync(join(dir, "helm"))) return join(dir, "helm");
  return undefined;
}

const helm = findHelm();
const scratch = mkdtempSync(join(tmpdir(), "ck-helm-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

function needHelm(t: TestContext): string | undefined {
  if (helm !== undefined) return helm;
  if (process.env.CI) assert.fail(HOW_TO);
  t.skip(HOW_TO);
  return undefined;
}

function writeChart(name: string, files: Record<string, string>): string {
  const dir = join(scratch, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

function runHelm(bin: string, args: string[]): string {
  return execFileSync(bin, args, {
    encoding: "utf8",
    timeout: 60_000,
    // No repository or plugin lookups outside the scratch dir.
    env: {
      PATH: process.env.PATH ?? "",
      HOME: scratch,
      HELM_CACHE_HOME: scratch,
      HELM_CONFIG_HOME: scratch,
      HELM_DATA_HOME: scratch,
    },
  });
}

const key = (o: KubeObject) => `${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`;

function sorted(objects: KubeObject[]): KubeObject[] {
  return [...objects].sort((a, b) => key(a).localeCompare(key(b)));
}

function parseStream(text: string): KubeObject[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null);
}

describe("helm chart", () => {
  for (const name of ["dapp", "node", "bitcoin"]) {
    it(`${name}: passes helm lint and helm template equals the yaml render`, (t) => {
      const bin = needHelm(t);
      if (bin === undefined) return;
      const plan = templatePlan(name);
      const dir = writeChart(name, renderHelmChart(plan));
      const lint = runHelm(bin, ["lint", dir]);
      assert.match(lint, /1 chart\(s\) linted, 0 chart\(s\) failed/);
      const rendered = parseStream(runHelm(bin, ["template", "release", dir]));
      assert.deepEqual(sorted(rendered), sorted(renderManifests(plan)));
    });
  }

  it("values switch on monitoring, move the namespace and carry the secret material", (t) => {
    const bin = needHelm(t);
    if (bin === undefined) return;
    const plan = templatePlan("node");
    const dir = writeChart("node-values", renderHelmChart(plan));
    const material = generateSecretMaterial(plan);
    const secretsFile = join(scratch, "secrets.values.yaml");
    writeFileSync(secretsFile, secretsValuesYaml(material));
    const rendered = parseStream(
      runHelm(bin, [
        "template",
        "release",
        dir,
        "-f",
        secretsFile,
        "--set",
        "monitoring.enabled=true",
        "--set",
        "namespace=team-a",
        "--set",
        "components.eth.storage.data.size=3Ti",
      ]),
    );
    const expected = renderManifests(plan, {
      monitoring: true,
      namespace: "team-a",
      secrets: material,
      storageSize: { "eth/data": "3Ti" },
    });
    assert.deepEqual(sorted(rendered), sorted(expected));
  });
});
