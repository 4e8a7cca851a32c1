// biome-ignore-all lint/suspicious/noTemplateCurlyInString: stack-file references (${...}) are plain strings here
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  endpointsOf,
  parseReferences,
  REFERENCE_ENDPOINTS,
  replaceReferences,
  scanReferences,
} from "@cryptokube/spec";

test("parseReferences finds references with their offsets", () => {
  const value = "rpc=${chains.eth.rpc} ipfs=${storage.ipfs.api}";
  const refs = parseReferences(value);
  assert.deepEqual(
    refs.map((r) => [r.section, r.name, r.endpoint, r.offset, r.length]),
    [
      ["chains", "eth", "rpc", 4, 17],
      ["storage", "ipfs", "api", 27, 19],
    ],
  );
  for (const ref of refs) assert.equal(value.slice(ref.offset, ref.offset + ref.length), ref.text);
});

test("$${ is a literal and not a reference", () => {
  assert.deepEqual(parseReferences("cost $${amount} and $${chains.eth.rpc}"), []);
  const [ref] = parseReferences("$${x} ${apps.api.http}");
  assert.equal(ref?.offset, 6);
  assert.equal(
    replaceReferences("a $${lit} ${apps.api.url} b", (r) => `<${r.name}>`),
    "a ${lit} <api> b",
  );
});

test("malformed references are reported with their position", () => {
  const { references, errors } = scanReferences("x ${chains.eth} ${chain.eth.rpc} ${}");
  assert.deepEqual(references, []);
  assert.deepEqual(
    errors.map((e) => [e.text, e.offset]),
    [
      ["${chains.eth}", 2],
      ["${chain.eth.rpc}", 16],
      ["${}", 33],
    ],
  );
  assert.match(errors[1]?.problem ?? "", /not a section/);
  assert.equal(errors[1]?.suggestion, "did you mean 'chains'?");
  const unclosed = scanReferences("a ${chains.eth.rpc");
  assert.equal(unclosed.errors[0]?.offset, 2);
  assert.match(unclosed.errors[0]?.problem ?? "", /not closed/);
});

test("endpointsOf follows the vocabulary and the stack's declarations", () => {
  const stack = {
    chains: {
      eth: { type: "ethereum" },
      btc: { type: "bitcoin" },
      ln: { type: "bitcoin", lightning: {} },
    },
    storage: { ipfs: {} },
    services: { monitoring: { grafana: false }, gateway: {} },
    apps: { api: { ports: { http: 3000, admin: 3001 } } },
  };
  assert.deepEqual(endpointsOf(stack, "chains", "eth"), REFERENCE_ENDPOINTS.chains.ethereum);
  assert.deepEqual(endpointsOf(stack, "chains", "btc"), ["rpc", "p2p"]);
  assert.deepEqual(endpointsOf(stack, "chains", "ln"), ["rpc", "p2p", "lightning"]);
  assert.deepEqual(endpointsOf(stack, "storage", "ipfs"), ["api", "gateway"]);
  assert.deepEqual(endpointsOf(stack, "services", "monitoring"), ["prometheus"]);
  assert.deepEqual(endpointsOf(stack, "services", "gateway"), ["url"]);
  assert.deepEqual(endpointsOf(stack, "apps", "api"), ["url", "http", "admin"]);
  assert.equal(endpointsOf(stack, "chains", "nope"), undefined);
  assert.equal(endpointsOf(stack, "services", "indexer"), undefined);
});
