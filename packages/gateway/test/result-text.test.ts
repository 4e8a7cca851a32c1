import assert from "node:assert/strict";
import { test } from "node:test";
import { resultText } from "../src/rpc/result-text.ts";
import { decodeReply } from "../src/upstreams/upstream-transport.ts";

/** A deterministic generator of JSON values with the characters that trip scanners. */
function randomValue(seed: { n: number }, depth: number): unknown {
  seed.n = (seed.n * 1103515245 + 12345) % 2147483648;
  const pick = seed.n % (depth > 3 ? 5 : 7);
  const strings = [
    "",
    "0xabc",
    'say "hi"',
    "back\\slash\\",
    '\\"',
    "}]{[,:",
    "ünï\u2028code",
    "\\\\",
  ];
  switch (pick) {
    case 0:
      return null;
    case 1:
      return seed.n % 2 === 0;
    case 2:
      return (seed.n % 2000) - 1000 + (seed.n % 3 === 0 ? 0.5 : 0);
    case 3:
    case 4:
      return strings[seed.n % strings.length];
    case 5:
      return Array.from({ length: seed.n % 4 }, () => randomValue(seed, depth + 1));
    default:
      return Object.fromEntries(
        Array.from({ length: seed.n % 4 }, (_, i) => [
          `${strings[(seed.n + i) % strings.length]}${i}`,
          randomValue(seed, depth + 1),
        ]),
      );
  }
}

test("resultText cuts out exactly the result of any answer, compact or pretty-printed", () => {
  const seed = { n: 7 };
  for (let i = 0; i < 2000; i++) {
    const result = randomValue(seed, 0);
    const answer = { jsonrpc: "2.0", id: i, result };
    const compact = JSON.stringify(answer);
    assert.equal(resultText(compact), JSON.stringify(result), compact);
    const pretty = JSON.stringify(answer, null, i % 2 === 0 ? 2 : "\t");
    const cut = resultText(`\r\n ${pretty} \n`);
    assert.ok(cut !== undefined, pretty);
    assert.deepEqual(JSON.parse(cut), result, pretty);
  }
});

test("resultText finds result wherever it is among the members", () => {
  assert.equal(resultText('{"result":[1,{"a":"]"}],"id":1,"jsonrpc":"2.0"}'), '[1,{"a":"]"}]');
  assert.equal(resultText('{"id":"result","result" : "x\\"y"}'), '"x\\"y"');
  assert.equal(resultText('{"jsonrpc":"2.0","id":1,"result":-1.5e3}'), "-1.5e3");
  assert.equal(resultText('{"jsonrpc":"2.0","id":1,"result":null }'), "null");
});

test("resultText gives up (the caller serialises the parsed value) on anything ambiguous", () => {
  // JSON.parse keeps the last of duplicated keys; relaying either text would be a guess.
  assert.equal(resultText('{"jsonrpc":"2.0","id":1,"result":1,"result":2}'), undefined);
  // An escaped key parses to "result" but is not the text the scanner looks for.
  assert.equal(resultText('{"jsonrpc":"2.0","id":1,"\\u0072esult":1}'), undefined);
  assert.equal(resultText('{"jsonrpc":"2.0","id":1,"error":{"code":1}}'), undefined);
  assert.equal(resultText('[{"jsonrpc":"2.0","id":1,"result":1}]'), undefined);
  assert.equal(resultText("{}"), undefined);
});

test("a transport's reply carries the node's own result text, and the parsed value beside it", () => {
  const text = '{"jsonrpc":"2.0","id":3,"result":{"number":"0x5", "transactions":[]}}';
  const reply = decodeReply(JSON.parse(text), text);
  assert.deepEqual(reply, {
    result: { number: "0x5", transactions: [] },
    resultJson: '{"number":"0x5", "transactions":[]}',
  });
  assert.deepEqual(decodeReply(JSON.parse(text)), { result: { number: "0x5", transactions: [] } });
});
