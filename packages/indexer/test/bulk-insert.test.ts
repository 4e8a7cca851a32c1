import assert from "node:assert/strict";
import { after, before, type TestContext, test } from "node:test";
import type { Column, Database } from "../src/db/database.ts";
import { openDatabase } from "../src/db/open-database.ts";
import {
  needPostgres,
  type PostgresServer,
  postgresAvailable,
  startPostgresServer,
} from "./helpers/postgres-server.ts";
import { pgliteDataDir } from "./helpers/start-indexer.ts";

const COLUMNS: readonly Column[] = [
  ["id", "integer"],
  ["big", "bigint"],
  ["small", "smallint"],
  ["amount", "numeric"],
  ["label", "text"],
  ["doc", "jsonb"],
];

let postgres: PostgresServer | undefined;
before(async () => {
  if (postgresAvailable) postgres = await startPostgresServer();
});
after(() => postgres?.stop());

/** A fresh database of each kind: PGlite in a temp dir, or a new database on the server. */
async function open(t: TestContext, kind: Database["kind"]): Promise<Database | undefined> {
  if (kind === "pglite") {
    return openDatabase({ kind: "pglite", dataDir: await pgliteDataDir(t) });
  }
  if (!needPostgres(t) || postgres === undefined) return undefined;
  const name = `bulk_${process.hrtime.bigint()}`;
  await postgres.createDatabase(name);
  return openDatabase({ kind: "postgres" }, postgres.envFor(name));
}

for (const kind of ["pglite", "postgres"] as const) {
  test(`${kind}: binary COPY round-trips every column type the indexer writes`, async (t) => {
    const db = await open(t, kind);
    if (db === undefined) return;
    t.after(() => db.close());
    await roundTrip(db);
  });
}

test("postgres: rows beyond one COPY's worth, outside a transaction, all arrive in order", async (t) => {
  const db = await open(t, "postgres");
  if (db === undefined) return;
  t.after(() => db.close());
  await db.query("CREATE TABLE item (id INTEGER PRIMARY KEY, label TEXT)");
  const rows = Array.from({ length: 9_001 }, (_, id) => ({ id, label: `row ${id}` }));
  await db.insertRows(
    "item",
    [
      ["id", "integer"],
      ["label", "text"],
    ],
    rows,
  );
  const back = await db.query<{ n: number; sum: string; last: string }>(
    "SELECT count(*)::int AS n, sum(id)::text AS sum, max(label) FILTER (WHERE id = 9000) AS last FROM item",
  );
  assert.deepEqual(back, [{ n: 9_001, sum: String((9_000 * 9_001) / 2), last: "row 9000" }]);
  // A failing COPY (a duplicate key) rejects and leaves the connection usable.
  await assert.rejects(
    db.insertRows("item", [["id", "integer"]], [{ id: 1 }]),
    (error: Error & { code?: string }) => error.code === "23505",
  );
  assert.deepEqual(await db.query("SELECT count(*)::int AS n FROM item"), [{ n: 9_001 }]);
});

async function roundTrip(db: Database): Promise<void> {
  await db.query(
    `CREATE TABLE sample (id INTEGER PRIMARY KEY, big BIGINT, small SMALLINT,
       amount NUMERIC(78, 0), label TEXT, doc JSONB)`,
  );
  const amounts = [
    "0",
    "1",
    "9999",
    "10000",
    "100000000",
    "1000000000000000000",
    "123456789012345678901234567890",
    (2n ** 256n - 1n).toString(),
    "-10000",
  ];
  const labels = ["", 'say "hi", there', "line\nbreak\r\n", "back\\slash \\.", "héllo ✓ 😀", "0x"];
  const rows = amounts.map((amount, i) => ({
    id: i,
    big: i % 2 === 0 ? Number.MAX_SAFE_INTEGER - i : `${-(2n ** 63n) + BigInt(i)}`,
    small: 1 - i,
    amount,
    label: labels[i % labels.length],
    doc: i === 0 ? null : { text: labels[i % labels.length], n: i, nested: [true, null] },
  }));
  rows.push({ id: 100, big: null, small: null, amount: null, label: null, doc: null } as never);
  await db.transaction((tx) => tx.insertRows("sample", COLUMNS, rows));

  const back = await db.query<Record<string, unknown>>("SELECT * FROM sample ORDER BY id");
  assert.equal(back.length, rows.length);
  for (const [i, row] of rows.entries()) {
    const got = back[i]!;
    const show = (v: unknown) => (v === null ? null : String(v));
    assert.equal(got.id, row.id);
    assert.equal(show(got.big), show(row.big), `big of row ${row.id}`);
    assert.equal(got.small, row.small);
    assert.equal(show(got.amount), row.amount, `amount of row ${row.id}`);
    assert.equal(got.label, row.label ?? null);
    assert.deepEqual(got.doc, row.doc);
  }
}

test("PGlite transactions: errors roll back, reads from outside wait for the commit", async (t) => {
  const db = await openDatabase({ kind: "pglite", dataDir: await pgliteDataDir(t) });
  t.after(() => db.close());
  await db.query("CREATE TABLE item (id INTEGER PRIMARY KEY)");

  // A failing statement rejects with Postgres' error code; the whole transaction rolls back.
  await assert.rejects(
    db.transaction(async (tx) => {
      await tx.query("INSERT INTO item VALUES (1)");
      await tx.query("INSERT INTO item VALUES (1)");
    }),
    (error: Error & { code?: string }) =>
      error.code === "23505" && /duplicate key/.test(error.message),
  );
  assert.deepEqual(await db.query("SELECT id FROM item"), []);

  // A read issued while a transaction is open sees it only once committed, never half of it.
  let read: Promise<Array<{ n: number }>> | undefined;
  await db.transaction(async (tx) => {
    await tx.query("INSERT INTO item VALUES (2)");
    read = db.query<{ n: number }>("SELECT count(*)::int AS n FROM item");
    await new Promise((resolve) => setTimeout(resolve, 20));
    await tx.query("INSERT INTO item VALUES (3)");
  });
  assert.deepEqual(await read, [{ n: 2 }]);

  // A transaction whose callback throws rolls back and the error is the callback's.
  await assert.rejects(
    db.transaction(async (tx) => {
      await tx.query("INSERT INTO item VALUES (4)");
      throw new Error("changed my mind");
    }),
    /changed my mind/,
  );
  assert.deepEqual(await db.query("SELECT id FROM item ORDER BY id"), [{ id: 2 }, { id: 3 }]);
});
