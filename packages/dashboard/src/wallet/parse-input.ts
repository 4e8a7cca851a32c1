/**
 * User input from forms and URLs, validated into chain values. Every failure is
 * a 400 that says which field was wrong, what was given and what is expected.
 */
import { type AbiParameter, getAddress, type Hex, isAddress, isHex, parseEther } from "viem";
import { badRequest } from "../http/http-error.ts";

export function parseAddress(text: string, field = "address"): `0x${string}` {
  const value = text.trim();
  if (!isAddress(value, { strict: false })) {
    throw badRequest(
      `${field}: '${clip(value)}' is not an address; expected 0x followed by 40 hex digits`,
    );
  }
  return getAddress(value);
}

export function parseTxHash(text: string): Hex {
  const value = text.trim().toLowerCase();
  if (!/^0x[0-9a-f]{64}$/.test(value)) {
    throw badRequest(
      `'${clip(text)}' is not a transaction hash; expected 0x followed by 64 hex digits`,
    );
  }
  return value as Hex;
}

/** A block by decimal number or by hash. */
export function parseBlockId(text: string): { number: bigint } | { hash: Hex } {
  const value = text.trim();
  if (/^\d{1,20}$/.test(value)) return { number: BigInt(value) };
  if (/^0x[0-9a-fA-F]{64}$/.test(value)) return { hash: value.toLowerCase() as Hex };
  throw badRequest(
    `'${clip(value)}' is not a block; expected a block number (e.g. 12) or a 0x block hash of 64 hex digits`,
  );
}

/** An ETH amount in decimal ("1.5"), above zero, at most 18 decimals. */
export function parseEthAmount(text: string, field = "amount"): bigint {
  const value = text.trim();
  if (!/^\d{1,30}(\.\d{1,18})?$/.test(value)) {
    throw badRequest(
      `${field}: '${clip(value)}' is not an amount of ETH; expected a decimal number such as 1 or 0.25`,
    );
  }
  const wei = parseEther(value);
  if (wei <= 0n) throw badRequest(`${field}: the amount must be more than 0 ETH`);
  return wei;
}

export function parseAccountIndex(text: string, count: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value >= count) {
    throw badRequest(
      `from: '${clip(text)}' is not one of the wallet's ${count} accounts (0-${count - 1})`,
    );
  }
  return value;
}

/** One contract-function argument typed by its ABI parameter; arrays and tuples as JSON. */
export function parseAbiArgument(param: AbiParameter, text: string, field: string): unknown {
  const type = param.type;
  const value = text.trim();
  const fail = (expected: string) =>
    badRequest(`${field} (${type}): '${clip(value)}' is not valid; expected ${expected}`);
  if (type.endsWith("]") || type === "tuple") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      throw fail("JSON (an array or an object)");
    }
    return coerceJson(parsed);
  }
  if (/^u?int\d*$/.test(type)) {
    if (!/^-?\d+$/.test(value)) throw fail("a whole number");
    const n = BigInt(value);
    if (type.startsWith("u") && n < 0n) throw fail("a number of 0 or more");
    return n;
  }
  if (type === "address") {
    if (!isAddress(value, { strict: false })) throw fail("0x followed by 40 hex digits");
    return getAddress(value);
  }
  if (type === "bool") {
    if (value !== "true" && value !== "false") throw fail("true or false");
    return value === "true";
  }
  if (/^bytes\d*$/.test(type)) {
    if (!isHex(value, { strict: true })) throw fail("0x-prefixed hex");
    const size = type === "bytes" ? undefined : Number(type.slice(5));
    if (size !== undefined && (value.length - 2) / 2 !== size) throw fail(`${size} bytes of hex`);
    return value;
  }
  return value;
}

/** JSON numbers become bigints so viem encodes them exactly. */
function coerceJson(value: unknown): unknown {
  if (typeof value === "number" && Number.isInteger(value)) return BigInt(value);
  if (Array.isArray(value)) return value.map(coerceJson);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, coerceJson(v)]));
  }
  return value;
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
