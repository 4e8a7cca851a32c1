/**
 * `cryptokube render`: stdout carries no secret material; --out writes files with
 * the secrets in their own mode-0600 file, reused (not regenerated) on re-render;
 * --format helm writes a chart plus a mode-0600 secrets values file.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parseAllDocuments } from "yaml";
import { runCapture } from "./run-cli.ts";

const scratch = mkdtempSync(join(tmpdir(), "ck-render-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

const kinds = (text: string) =>
  parseAllDocuments(text).map((d) => (d.toJS() as { kind: string }).kind);

describe("cryptokube render", () => {
  before(async () => {
    const init = await runCapture(["init", "node"], { cwd: scratch });
    assert.equal(init.code, 0, init.stderr);
  });

  it("prints YAML without any Secret and says where the secrets went", async () => {
    const result = await runCapture(["render"], { cwd: scratch });
    assert.equal(result.code, 0, result.stderr);
    const list = kinds(result.stdout);
    assert.ok(list.includes("StatefulSet") && list.includes("NetworkPolicy"));
    assert.ok(!list.includes("Secret"));
    assert.doesNotMatch(result.stdout, /stringData|kind: Secret/);
    assert.match(result.stderr, /Secrets \(eth-jwt, grafana-admin\) are not in this output/);
    assert.ok(!list.includes("ServiceMonitor"));
    const monitored = await runCapture(["render", "--monitoring", "-n", "other"], { cwd: scratch });
    assert.ok(kinds(monitored.stdout).includes("PrometheusRule"));
    assert.match(monitored.stdout, /eth\.other\.svc\.cluster\.local/);
  });

  it("--out writes the secrets in a mode-0600 file and reuses them", async () => {
    const first = await runCapture(["render", "--out", "k8s", "--storage-class", "standard"], {
      cwd: scratch,
    });
    assert.equal(first.code, 0, first.stderr);
    const secrets = join(scratch, "k8s", "10-secrets.yaml");
    assert.equal(statSync(secrets).mode & 0o777, 0o600);
    const before = readFileSync(secrets, "utf8");
    assert.match(before, /jwt\.hex: [0-9a-f]{64}/);
    assert.ok(existsSync(join(scratch, "k8s", "30-eth.yaml")));
    assert.match(
      readFileSync(join(scratch, "k8s", "30-eth.yaml"), "utf8"),
      /storageClassName: standard/,
    );
    for (const file of ["00-namespace.yaml", "20-stack.yaml", "30-gateway.yaml"])
      assert.doesNotMatch(readFileSync(join(scratch, "k8s", file), "utf8"), /kind: Secret/);
    const again = await runCapture(["render", "--out", "k8s"], { cwd: scratch });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(readFileSync(secrets, "utf8"), before, "secret material was regenerated");
  });

  it("--format helm writes a chart and a mode-0600 secrets values file", async () => {
    const result = await runCapture(["render", "--format", "helm", "--out", "chart"], {
      cwd: scratch,
    });
    assert.equal(result.code, 0, result.stderr);
    for (const file of [
      "Chart.yaml",
      "values.yaml",
      "templates/eth.yaml",
      "templates/secrets.yaml",
    ])
      assert.ok(existsSync(join(scratch, "chart", file)), file);
    const values = join(scratch, "chart", "secrets.values.yaml");
    assert.equal(statSync(values).mode & 0o777, 0o600);
    assert.doesNotMatch(
      readFileSync(join(scratch, "chart", "values.yaml"), "utf8"),
      /[0-9a-f]{64}/,
    );
    const before = readFileSync(values, "utf8");
    await runCapture(["render", "--format", "helm", "--out", "chart"], { cwd: scratch });
    assert.equal(readFileSync(values, "utf8"), before);
  });

  it("--format helm without --out is a usage error", async () => {
    const result = await runCapture(["render", "--format", "helm"], { cwd: scratch });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /add --out <dir>/);
  });
});
