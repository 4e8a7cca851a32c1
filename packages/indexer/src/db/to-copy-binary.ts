import { CryptoKubeError } from "@cryptokube/core";
import type { Column } from "./database.ts";

/**
 * Rows in COPY's binary format, for PGlite and a Postgres server alike: Postgres reads each
 * field as it is instead of parsing text, which in PGlite (Postgres compiled to WebAssembly)
 * is most of what a COPY costs. Supports the column types the indexer bulk-writes: bigint,
 * integer, smallint, text, numeric (integers only: wei amounts), jsonb. Numbers arrive as JS
 * numbers or decimal strings.
 */
export function toCopyBinary(columns: readonly Column[], rows: readonly object[]): Uint8Array {
  const out = createWriter(64 * 1024 + rows.length * columns.length * 16);
  // Header: signature, flags, header extension length.
  out.bytes(SIGNATURE);
  out.int32(0);
  out.int32(0);
  const encoders = columns.map(([name, type]) => [name, encoderFor(type)] as const);
  for (const row of rows) {
    const record = row as Record<string, unknown>;
    out.int16(encoders.length);
    for (const [name, encode] of encoders) {
      const value = record[name];
      if (value === null || value === undefined) out.int32(-1);
      else encode(out, value, name);
    }
  }
  out.int16(-1);
  return out.result();
}

const SIGNATURE = new Uint8Array([0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0]);

interface CopyWriter {
  int16(n: number): void;
  int32(n: number): void;
  bytes(b: Uint8Array): void;
  /** A length-prefixed UTF-8 field, optionally after one prefix byte (jsonb's version). */
  text(s: string, prefixByte?: number): void;
  /** Reserves a 4-byte length, returns a function that fills it with the bytes written since. */
  lengthSlot(): () => void;
  result(): Uint8Array;
}

function createWriter(initial: number): CopyWriter {
  let buf = Buffer.allocUnsafe(initial);
  let view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let at = 0;
  const ensure = (n: number) => {
    if (at + n <= buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(buf.length * 2, at + n));
    buf.copy(next, 0, 0, at);
    buf = next;
    view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  };
  return {
    int16(n) {
      ensure(2);
      view.setInt16(at, n);
      at += 2;
    },
    int32(n) {
      ensure(4);
      view.setInt32(at, n);
      at += 4;
    },
    bytes(b) {
      ensure(b.length);
      buf.set(b, at);
      at += b.length;
    },
    text(s, prefixByte) {
      const extra = prefixByte === undefined ? 0 : 1;
      // UTF-8 takes at most 3 bytes per UTF-16 unit.
      ensure(4 + extra + s.length * 3);
      const start = at;
      at += 4;
      if (prefixByte !== undefined) buf[at++] = prefixByte;
      // Buffer#write encodes in place; TextEncoder#encodeInto needed a new view per field.
      at += buf.write(s, at, "utf8");
      view.setInt32(start, at - start - 4);
    },
    lengthSlot() {
      ensure(4);
      const start = at;
      at += 4;
      return () => view.setInt32(start, at - start - 4);
    },
    result: () => buf.subarray(0, at),
  };
}

type Encode = (out: CopyWriter, value: unknown, column: string) => void;

function encoderFor(type: string): Encode {
  switch (type) {
    case "bigint":
      return (out, value, column) => {
        out.int32(8);
        // Block numbers, nonces and timestamps arrive as safe integers: no BigInt needed.
        if (Number.isSafeInteger(value)) {
          const high = Math.floor((value as number) / 2 ** 32);
          out.int32(high);
          out.int32((value as number) - high * 2 ** 32);
          return;
        }
        const n = BigInt(integer(value, column));
        out.int32(Number(BigInt.asIntN(64, n) >> 32n));
        out.int32(Number(BigInt.asIntN(32, n)));
      };
    case "integer":
      return (out, value, column) => {
        out.int32(4);
        out.int32(Number.isSafeInteger(value) ? (value as number) : Number(integer(value, column)));
      };
    case "smallint":
      return (out, value, column) => {
        out.int32(2);
        out.int16(Number.isSafeInteger(value) ? (value as number) : Number(integer(value, column)));
      };
    case "text":
      return (out, value) => out.text(String(value));
    case "jsonb":
      // jsonb's binary form is a version byte (1) followed by the JSON text.
      return (out, value) => out.text(typeof value === "string" ? value : JSON.stringify(value), 1);
    case "numeric":
      return (out, value, column) => numeric(out, integer(value, column));
    default:
      throw new CryptoKubeError(`binary COPY does not support column type ${type}`, {
        code: "INDEXER_INTERNAL",
      });
  }
}

/** The value as a decimal integer string; anything else is a bug upstream. */
function integer(value: unknown, column: string): string {
  const text = typeof value === "string" ? value : String(value);
  if (!/^-?\d+$/.test(text)) {
    throw new CryptoKubeError(`column ${column}: expected an integer, got ${text.slice(0, 40)}`, {
      code: "INDEXER_INTERNAL",
    });
  }
  return text;
}

/** numeric's binary form: base-10000 digits, most significant first, with a weight and sign. */
function numeric(out: CopyWriter, decimal: string): void {
  const negative = decimal.startsWith("-");
  const digits = (negative ? decimal.slice(1) : decimal).replace(/^0+/, "");
  const groups: number[] = [];
  for (let end = digits.length; end > 0; end -= 4) {
    groups.unshift(Number(digits.slice(Math.max(0, end - 4), end)));
  }
  const weight = groups.length - 1;
  while (groups.length > 0 && groups[groups.length - 1] === 0) groups.pop();
  const done = out.lengthSlot();
  out.int16(groups.length);
  out.int16(groups.length === 0 ? 0 : weight);
  out.int16(negative && groups.length > 0 ? 0x4000 : 0);
  out.int16(0); // display scale: integers
  for (const group of groups) out.int16(group);
  done();
}
