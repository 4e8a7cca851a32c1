import assert from "node:assert/strict";
import { test } from "node:test";
import { formatPath, parsePath, parseStack } from "@cryptokube/spec";

const text = `name: demo
chains:
  eth:
    type: ethereum
apps:
  web:
    command: node web.ts
    depends_on:
      - api
      - chains.eth
    env: { RPC: x, "a.b": y }
  api:
    command: node api.ts
    ports: [3000]
`;

function sourceOf(yaml: string) {
  const result = parseStack(yaml, "s.yaml");
  assert.ok(result.source !== undefined);
  return result.source;
}

test("positionOf finds values, list items and keys whose values are blocks", () => {
  const source = sourceOf(text);
  assert.deepEqual(source.positionOf("name"), { line: 1, col: 7 });
  assert.deepEqual(source.positionOf("apps.web.depends_on[0]"), { line: 9, col: 9 });
  assert.deepEqual(source.positionOf(["apps", "web", "depends_on", 1]), { line: 10, col: 9 });
  // A block mapping is located at its key, so the caret sits on `web:`.
  assert.deepEqual(source.positionOf("apps.web"), { line: 6, col: 3 });
  // A flow collection is located at its opening bracket.
  assert.deepEqual(source.positionOf("apps.web.env"), { line: 11, col: 10 });
  assert.deepEqual(source.positionOf("apps.web.env.RPC"), { line: 11, col: 17 });
  assert.deepEqual(source.positionOf('apps.web.env["a.b"]'), { line: 11, col: 27 });
  assert.deepEqual(source.positionOf("apps.api.ports[0]"), { line: 14, col: 13 });
});

test("positionOf falls back to the nearest existing ancestor, then to 1:1", () => {
  const source = sourceOf(text);
  assert.deepEqual(source.positionOf("apps.web.depends_on[7]"), { line: 8, col: 5 });
  assert.deepEqual(source.positionOf("apps.web.health.http"), { line: 6, col: 3 });
  assert.deepEqual(source.positionOf("chains.eth.type.deeper"), { line: 4, col: 11 });
  assert.deepEqual(source.positionOf("nope.at.all"), { line: 1, col: 1 });
  assert.deepEqual(source.positionOf(""), { line: 1, col: 1 });
  assert.deepEqual(sourceOf("# empty\n").positionOf("name"), { line: 1, col: 1 });
});

test("keyPositionOf points at the key of an entry", () => {
  const source = sourceOf(text);
  assert.deepEqual(source.keyPositionOf("apps.web.command"), { line: 7, col: 5 });
  assert.deepEqual(source.keyPositionOf("name"), { line: 1, col: 1 });
});

test("duplicate keys resolve to the last occurrence, like the parsed data", () => {
  const source = sourceOf("name: a\nname: b\n");
  assert.deepEqual(source.positionOf("name"), { line: 2, col: 7 });
});

test("paths through aliases continue inside the anchored node", () => {
  const source = sourceOf("name: x\nbase: &b\n  inner: 1\nalias: *b\n");
  assert.deepEqual(source.positionOf("alias"), { line: 4, col: 8 });
  assert.deepEqual(source.positionOf("alias.inner"), { line: 3, col: 10 });
});

test("paths print and parse back, quoting keys that are not identifiers", () => {
  const cases: [(string | number)[], string][] = [
    [["apps", "web", "depends_on", 0], "apps.web.depends_on[0]"],
    [["apps", "my-app", "env", "A_B"], "apps.my-app.env.A_B"],
    [["chains", "a.b", "type"], 'chains["a.b"].type'],
    [["x", "1abc", "has space", 'q"uote'], 'x["1abc"]["has space"]["q\\"uote"]'],
    [[], ""],
  ];
  for (const [segments, printed] of cases) {
    assert.equal(formatPath(segments), printed);
    assert.deepEqual(parsePath(printed), segments);
  }
});
