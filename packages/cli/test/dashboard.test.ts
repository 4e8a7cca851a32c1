/** `cryptokube dashboard` reads the saved plan: the URL, the state, the token file's path. */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { runCapture } from "./run-cli.ts";

const STACK = `name: dash-cli
chains:
  eth: { type: ethereum, network: devnet }
services:
  dashboard: {}
`;

test("dashboard prints the URL and the token file of a started stack, never the token", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "ck-dash-cli-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "cryptokube.yaml"), STACK);

  const before = await runCapture(["dashboard"], { cwd: dir });
  assert.equal(before.code, 1);
  assert.match(before.stderr, /no stack has been started in .*: `cryptokube up` starts it/);

  // What `up` saves: the plan it started.
  const plan = await runCapture(["plan", "--json"], { cwd: dir });
  assert.equal(plan.code, 0, plan.stderr);
  mkdirSync(join(dir, ".cryptokube", "secrets", "dashboard-token"), { recursive: true });
  writeFileSync(join(dir, ".cryptokube", "plan.json"), plan.stdout);
  writeFileSync(join(dir, ".cryptokube", "secrets", "dashboard-token", "token"), "s3cr3t-value\n");

  const json = await runCapture(["dashboard", "--json"], { cwd: dir });
  assert.equal(json.code, 0, json.stderr);
  const body = JSON.parse(json.stdout) as { url: string; tokenFile: string; state: string };
  assert.match(body.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(body.tokenFile, join(dir, ".cryptokube", "secrets", "dashboard-token", "token"));
  assert.equal(body.state, "stopped");
  const text = await runCapture(["dashboard"], { cwd: dir });
  assert.match(text.stdout, /dashboard of dash-cli: http:\/\/127\.0\.0\.1:\d+ \(stopped\)/);
  assert.ok(
    !`${text.stdout}${json.stdout}`.includes("s3cr3t-value"),
    "the token value is never printed",
  );

  writeFileSync(
    join(dir, ".cryptokube", "plan.json"),
    JSON.stringify({ ...JSON.parse(plan.stdout), components: [] }),
  );
  const none = await runCapture(["dashboard"], { cwd: dir });
  assert.equal(none.code, 1);
  assert.match(none.stderr, /has no dashboard: add `dashboard: \{\}`/);
});
