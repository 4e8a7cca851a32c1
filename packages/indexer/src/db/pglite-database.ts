import type { PGlite } from "@electric-sql/pglite";
import type { Database, Sql } from "./database.ts";
import { toCopyBinary } from "./to-copy-binary.ts";

/** The indexer's Database interface over an open PGlite instance. */
export function pgliteDatabase(db: PGlite): Database {
  const wrap = (target: Pick<PGlite, "query">): Sql => ({
    async query<T extends object>(text: string, params: unknown[] = []) {
      const result = await target.query<T>(text, params);
      return result.rows;
    },
    async insertRows(table, columns, rows) {
      if (rows.length === 0) return;
      // Binary COPY: Postgres takes each field as it is instead of parsing text, which in
      // WebAssembly is a good part of a COPY's cost (about 15% less than CSV for logs).
      await target.query(
        `COPY ${table} (${columns.map(([name]) => name).join(", ")}) FROM '/dev/blob' WITH (FORMAT binary)`,
        [],
        { blob: new Blob([toCopyBinary(columns, rows)]) },
      );
    },
  });
  return {
    kind: "pglite",
    ...wrap(db),
    transaction: (fn) => db.transaction((tx) => fn(wrap(tx))),
    close: () => db.close(),
  };
}
