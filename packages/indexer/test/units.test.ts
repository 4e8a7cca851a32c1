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
  assert.deepEqual(fast(topics as string[], data), expected);
  // The registry (fast path) and a dynamic event (viem path) give the same JSON shapes.
  const registry = createContractRegistry();
  const withString = parseAbiItem("event Note(string text, address by)") as AbiEvent;
  registry.set({ address: args.who, name: "C", abi: [event, withString], source: "test" });
  assert.deepEqual(
    registry.decodeLog({ address: args.who, topics: topics as string[], data })?.args,
    expected,
  );
  const noteTopics = encodeEventTopics({ abi: [withString], eventName: "Note" }) as string[];
  const noteData = encodeAbiParameters(withString.inputs, ['say "hi",\nthere', args.who]);
  assert.deepEqual(registry.decodeLog({ address: args.who, topics: noteTopics, data: noteData }), {
    contract: "C",
    event: "Note",
    args: { text: 'say "hi",\nthere', by: args.who },
  });
  // Wrong shapes are refused, not misread.
  assert.throws(() => fast(topics.slice(0, 2) as string[], data), /topic count/);
  assert.throws(() => fast(topics as string[], `${data}00`), /data length/);
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
          args: { text: 'say "hi",\nthere', empty: "" },
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
