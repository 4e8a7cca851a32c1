// biome-ignore-all lint/suspicious/noTemplateCurlyInString: stack-file references (${...}) are plain strings here
import assert from "node:assert/strict";
import { test } from "node:test";
import { StackValidationError } from "@cryptokube/core";
import { locateProblems, parseStack, TEMPLATES } from "@cryptokube/spec";

const dappText = TEMPLATES.dapp?.text ?? "";

test("a valid file gives the typed stack with the schema's defaults applied", () => {
  const result = parseStack(dappText, "cryptokube.yaml");
  assert.ok(result.ok);
  const eth = result.stack.chains?.eth;
  assert.equal(eth?.type, "ethereum");
  assert.equal(eth?.type === "ethereum" ? eth.consensus : undefined, "auto");
  assert.equal(result.stack.services?.gateway?.replicas, 2);
  assert.equal(result.stack.apps?.web?.restart, "on-failure");
  assert.equal(result.stack.apps?.web?.env?.RPC_URL, "${chains.eth.rpc}");
  assert.deepEqual(result.source.positionOf("apps.web.command"), { line: 29, col: 14 });
});

test("all problems are reported in one pass, sorted by position, with every field set", () => {
  const text = [
    "name: Demo",
    "chains:",
    "  eth: { type: ethereum, network: sepolia, chainId: 5 }",
    "apps:",
    "  web:",
    "    depends_on: [dbb]",
    "    replicas: 0",
    "  db: { image: postgres, bogus: 1 }",
  ].join("\n");
  const result = parseStack(text, "stack.yaml");
  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.deepEqual(
    result.diagnostics.map((d) => `${d.line}:${d.col} ${d.path}`),
    [
      "1:7 name",
      "3:44 chains.eth.chainId",
      "5:3 apps.web",
      "6:18 apps.web.depends_on[0]",
      "7:15 apps.web.replicas",
      "8:26 apps.db.bogus",
    ],
  );
  const dependency = result.diagnostics[3];
  assert.equal(dependency?.file, "stack.yaml");
  assert.equal(dependency?.message, "refers to app 'dbb', which is not defined in apps");
  assert.equal(dependency?.expected, "one of: db");
  assert.equal(dependency?.found, "dbb");
  assert.equal(dependency?.suggestion, "did you mean 'db'?");
  // The core error type carries the whole list for the CLI (exit code 2).
  assert.match(new StackValidationError(result.diagnostics).message, /6 errors/);
});

test("syntax errors stop validation and are all reported", () => {
  const result = parseStack("name: x\napps:\n  web: [\n  api: }\n", "f.yaml");
  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.ok(result.diagnostics.length >= 1);
  assert.ok(result.diagnostics.every((d) => d.path === "" && d.line >= 3));
});

test("locateProblems positions the planner's path-only problems in the file", () => {
  const result = parseStack(dappText, "cryptokube.yaml");
  assert.ok(result.ok);
  const located = locateProblems(
    [
      { path: "apps.web.ports.http", message: "port 3000 is taken", suggestion: "pick another" },
      { path: "chains.eth", message: "edr is not available on this target" },
    ],
    result.source,
    "cryptokube.yaml",
  );
  assert.deepEqual(
    located.map((d) => [d.line, d.col, d.path, d.suggestion]),
    [
      [9, 3, "chains.eth", undefined],
      [32, 13, "apps.web.ports.http", "pick another"],
    ],
  );
});
