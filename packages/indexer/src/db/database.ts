/**
 * The one database interface the indexer uses, implemented by PGlite (embedded) and by a
 * Postgres server (node-postgres). Both speak the same SQL, so there is one schema and one
 * migration path. Rows come back as plain objects; BIGINT/NUMERIC columns may arrive as
 * string, number or bigint depending on the driver, so readers convert with `toNumber`.
 */
/** A column of a bulk insert: name and SQL type. */
export type Column = readonly [name: string, type: string];

export interface Sql {
  query<T extends object = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /**
   * Bulk insert of rows (objects keyed by column name): binary COPY on both drivers.
   */
  insertRows(table: string, columns: readonly Column[], rows: readonly object[]): Promise<void>;
}

export interface Database extends Sql {
  readonly kind: "pglite" | "postgres";
  /** Runs `fn` in one transaction: COMMIT when it resolves, ROLLBACK when it throws. */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export function toNumber(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "bigint" || typeof value === "string") return Number(value);
  throw new TypeError(`expected a number column, got ${typeof value}`);
}

export function toDecimalString(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "bigint") return value.toString();
  throw new TypeError(`expected a numeric column, got ${typeof value}`);
}

export function toOptionalDecimal(value: unknown): string | null {
  return value === null || value === undefined ? null : toDecimalString(value);
}
