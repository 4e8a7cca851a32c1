import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { runCapture } from "./run-cli.ts";

const repo = join(import.meta.dirname, "..", "..", "..");
const scratch = mkdtempSync(join(tmpdir(), "ck-cli-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

describe("cryptokube CLI conventions", () => {
  it("--help lists every command and the exit codes", async () => {
    const result = await runCapture(["--help"], { cwd: scratch });
    assert.equal(result.code, 0);
    for (const command of [
      "init",
      "validate",
      "schema",
      "plan",
      "catalog",
      "up",
      "down",
      "status",
      "logs",
      "render",
      "deploy",
      "destroy",
    ]) {
      assert.match(result.stdout, new RegExp(`^  ${command}\\b`, "m"), `missing ${command}`);
    }
    assert.match(result.stdout, /Exit codes: 0 ok, 1 failure, 2 usage or validation error/);
  });

  it("every command has --help", async () => {
    for (const command of ["init", "validate", "schema", "plan", "catalog", "render"]) {
      const result = await runCapture([command, "--help"], { cwd: scratch });
      assert.equal(result.code, 0, command);
      assert.match(result.stdout, new RegExp(`Usage: cryptokube ${command}`));
    }
  });

  it("an unknown command or option is a usage error (exit 2)", async () => {
    assert.equal((await runCapture(["frobnicate"], { cwd: scratch })).code, 2);
    assert.equal((await runCapture(["plan", "--frob"], { cwd: scratch })).code, 2);
    const badTarget = await runCapture(["plan", "--target", "moon"], { cwd: scratch });
    assert.equal(badTarget.code, 2);
    assert.match(badTarget.stderr, /embedded, process, docker, kubernetes/);
  });

  it("a missing stack file is a usage error that says how to get one", async () => {
    const result = await runCapture(["validate"], { cwd: scratch });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /no cryptokube\.yaml in .*\n.*cryptokube init/);
  });

  it("schema prints the JSON Schema with its $id", async () => {
    const result = await runCapture(["schema"], { cwd: scratch });
    assert.equal(result.code, 0);
    const schema = JSON.parse(result.stdout) as {
      $id: string;
      properties: Record<string, unknown>;
    };
    assert.equal(schema.$id, "https://cryptokube.dev/schema/stack/v1.json");
    assert.ok("chains" in schema.properties && "apps" in schema.properties);
  });

  it("init writes each template with the editor schema line, validates, and refuses to overwrite", async () => {
    for (const template of ["dapp", "node", "bitcoin"]) {
      const dir = join(scratch, `init-${template}`);
      const written = await runCapture(["init", template, "--dir", dir], { cwd: scratch });
      assert.equal(written.code, 0, written.stderr);
      const text = readFileSync(join(dir, "cryptokube.yaml"), "utf8");
      assert.match(text, /^# yaml-language-server: \$schema=\.\/cryptokube\.schema\.json$/m);
      const schema = JSON.parse(readFileSync(join(dir, "cryptokube.schema.json"), "utf8")) as {
        $id: string;
      };
      assert.equal(schema.$id, "https://cryptokube.dev/schema/stack/v1.json");
      const target = template === "dapp" ? "embedded" : "kubernetes";
      const valid = await runCapture(["validate", "--target", target], { cwd: dir });
      assert.equal(valid.code, 0, valid.stderr);
      const again = await runCapture(["init", template, "--dir", dir], { cwd: scratch });
      assert.equal(again.code, 2);
      assert.match(again.stderr, /already exist.*--force/);
    }
  });

  it("validate reports every error with its position and exits 2", async () => {
    const file = join(scratch, "broken.yaml");
    writeFileSync(
      file,
      [
        "name: Broken_Name",
        "chains:",
        "  eth:",
        "    type: ethereum",
        "    netwrk: devnet",
        "apps:",
        "  web:",
        "    depends_on: [nope]",
        "",
      ].join("\n"),
    );
    const result = await runCapture(["validate", "--file", "broken.yaml"], { cwd: scratch });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^broken\.yaml:1:7 name:/m);
    assert.match(result.stderr, /^broken\.yaml:5:5 chains\.eth\.netwrk:/m);
    assert.match(result.stderr, /did you mean 'network'\?/);
    assert.match(result.stderr, /^\d+ errors$/m);
    const json = await runCapture(["validate", "--file", "broken.yaml", "--json"], {
      cwd: scratch,
    });
    assert.equal(json.code, 2);
  });

  it("a package that cannot run on the target fails at plan time naming package, target and supported targets", async () => {
    const file = join(scratch, "edr-k8s.yaml");
    writeFileSync(file, "name: edr-k8s\nchains:\n  eth:\n    type: ethereum\n    client: edr\n");
    const result = await runCapture(["plan", "--file", "edr-k8s.yaml", "--target", "kubernetes"], {
      cwd: scratch,
    });
    assert.equal(result.code, 2);
    assert.match(
      result.stderr,
      /^edr-k8s\.yaml:5:\d+ chains\.eth\.client: .*edr.*kubernetes.*embedded/m,
    );
  });

  it("output carries no colour when piped, NO_COLOR or not", async () => {
    const file = join(scratch, "nocolor.yaml");
    writeFileSync(file, "name: x\nnope: 1\n");
    for (const env of [{}, { NO_COLOR: "1" }, { NO_COLOR: "1", FORCE_COLOR: "1" }]) {
      const result = await runCapture(["validate", "--file", "nocolor.yaml"], {
        cwd: scratch,
        env,
      });
      assert.equal(result.code, 2);
      assert.ok(!result.stderr.includes("\u001b["), "colour escape in output");
    }
  });

  it("the bin runs from an example directory through npx and reports a plan", () => {
    const result = spawnSync("npx", ["--no-install", "cryptokube", "plan", "--json"], {
      cwd: join(repo, "examples", "hello-dapp"),
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1" },
    });
    assert.equal(result.status, 0, result.stderr);
    const plan = JSON.parse(result.stdout) as { stack: string; components: { name: string }[] };
    assert.equal(plan.stack, "hello-dapp");
    assert.ok(plan.components.some((c) => c.name === "web"));
  });
});
