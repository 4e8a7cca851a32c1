import assert from "node:assert/strict";
import { test } from "node:test";
import { pino } from "pino";
import { type AbiEvent, encodeAbiParameters, encodeEventTopics, parseAbiItem } from "viem";
import { createContractRegistry } from "../src/abi/contract-registry.ts";
import { compileStaticEventDecoder } from "../src/abi/decode-static-event.ts";
import type { BlockData } from "../src/chain/block-data.ts";
import { migrate } from "../src/db/migrate.ts";
import { openDatabase } from "../src/db/open-database.ts";
import { insertBlockData } from "../src/store/write-blocks.ts";
import { pgliteDataDir } from "./helpers/start-indexer.ts";

test("the fast static-event decoder agrees with viem's decoder", () => {
  const event = parseAbiItem(
    "event Mixed(address indexed who, int8 indexed delta, bool flag, bytes4 tag, uint64 amount, int256 debt)",
  ) as AbiEvent;
  const args = {
    who: "0x00000000000000000000000000000000000a11ce",
    delta: -5,
    flag: true,
    tag: "0xdeadbeef",
    amount: 2n ** 64n - 1n,
    debt: -(10n ** 30n),
  } as const;
  const topics = encodeEventTopics({
    abi: [event],
    eventName: "Mixed",
    args: { who: args.who, delta: args.delta },
  });
  const data = encodeAbiParameters(
    event.inputs.filter((i) => !i.indexed),
    [args.flag, args.tag, args.amount, args.debt],
  );
  const fast = compileStaticEventDecoder(event)!;
  const expected = {
    who: args.who,
    delta: "-5",
    flag: true,
    tag: "0xdeadbeef",
    amount: "18446744073709551615",
    debt: "-1000000000000000000000000000000",
  };
  assert.deepEqual(JSON.parse(fast(topics as string[], data)), expected);
  // The registry (fast path) and a dynamic event (viem path) give the same JSON shapes.
  const registry = createContractRegistry();
  const withString = parseAbiItem("event Note(string text, address by)") as AbiEvent;
  registry.set({ address: args.who, name: "C", abi: [event, withString], source: "test" });
  const decoded = registry.decodeLog({ address: args.who, topics: topics as string[], data });
  assert.deepEqual(JSON.parse(decoded?.argsJson ?? "null"), expected);
  const noteTopics = encodeEventTopics({ abi: [withString], eventName: "Note" }) as string[];
  const noteData = encodeAbiParameters(withString.inputs, ['say "hi",\nthere', args.who]);
  assert.deepEqual(registry.decodeLog({ address: args.who, topics: noteTopics, data: noteData }), {
    contract: "C",
    event: "Note",
    argsJson: JSON.stringify({ text: 'say "hi",\nthere', by: args.who }),
  });
  // Wrong shapes are refused, not misread.
  assert.throws(() => fast(topics.slice(0, 2) as string[], data), /topic count/);
  assert.throws(() => fast(topics as string[], `${data}00`), /data length/);
  // Words wider than their type are refused: a uint64 with a bit above 64, a bool of 2, an
  // int8 whose high digits are neither a zero nor a sign extension.
  const word = (hex: string) => hex.padStart(64, "0");
  const words = data.slice(2).match(/.{64}/g)!;
  const withWord = (index: number, hex: string) =>
    `0x${words.map((w, i) => (i === index ? hex : w)).join("")}`;
  assert.throws(() => fast(topics as string[], withWord(2, word(`1${"0".repeat(16)}`))), /range/);
  assert.throws(() => fast(topics as string[], withWord(0, word("2"))), /invalid bool/);
  const badDelta = [topics[0], topics[1], `0x${"0".repeat(62)}fb`] as string[];
  assert.throws(() => fast(badDelta, data), /range/);
  assert.equal(compileStaticEventDecoder(withString), undefined);
});

test("bulk insert (COPY on PGlite) keeps NULLs, empty strings, quotes, commas and newlines", async (t) => {
  const dataDir = await pgliteDataDir(t);
  const db = await openDatabase({ kind: "pglite", dataDir });
  t.after(() => db.close());
  await migrate(db, pino({ level: "silent" }));
  const hash = `0x${"ab".repeat(32)}`;
  const batch: BlockData[] = [
    {
      block: {
        number: 1,
        hash,
        parent_hash: `0x${"00".repeat(32)}`,
        timestamp: 1,
        miner: `0x${"00".repeat(20)}`,
        gas_used: "0",
        gas_limit: "30000000",
        base_fee_per_gas: null,
        tx_count: 0,
      },
      transactions: [],
      logs: [
        {
          block_number: 1,
          log_index: 0,
          block_hash: hash,
          tx_hash: hash,
          tx_index: 0,
          address: `0x${"11".repeat(20)}`,
          topic0: null,
          topic1: null,
          topic2: null,
          topic3: null,
          data: "0x",
          contract: "",
          event: 'odd "name", with\nnewline',
          args: JSON.stringify({ text: 'say "hi",\nthere', empty: "" }),
        },
      ],
    },
  ];
  await db.transaction((tx) => insertBlockData(tx, batch));
  const [row] = await db.query<Record<string, unknown>>("SELECT * FROM logs");
  assert.equal(row!.topic0, null);
  assert.equal(row!.contract, "");
  assert.equal(row!.event, 'odd "name", with\nnewline');
  assert.deepEqual(row!.args, { text: 'say "hi",\nthere', empty: "" });
  const [block] = await db.query<Record<string, unknown>>("SELECT base_fee_per_gas FROM blocks");
  assert.equal(block!.base_fee_per_gas, null);
  // Migrations are recorded once and re-running them is a no-op.
  assert.deepEqual(await migrate(db, pino({ level: "silent" })), []);
});
