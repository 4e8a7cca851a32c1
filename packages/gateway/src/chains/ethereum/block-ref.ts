import { invalidParams } from "../../rpc/errors.ts";

/** A block parameter as Ethereum JSON-RPC accepts it (tag, hex number or EIP-1898 object). */
export type BlockRef =
  | { kind: "number"; number: number }
  | { kind: "latest" }
  | { kind: "pending" }
  | { kind: "moving-tag"; tag: "safe" | "finalized" }
  | { kind: "hash"; hash: string };

const QUANTITY = /^0x(0|[1-9a-fA-F][0-9a-fA-F]{0,12})$/;
const HASH = /^0x[0-9a-fA-F]{64}$/;

/** Parses a block parameter; `where` names it in the error ("params[1] of eth_call"). */
export function parseBlockRef(value: unknown, where: string): BlockRef {
  if (typeof value === "string") {
    switch (value) {
      case "latest":
        return { kind: "latest" };
      case "pending":
        return { kind: "pending" };
      case "earliest":
        return { kind: "number", number: 0 };
      case "safe":
      case "finalized":
        return { kind: "moving-tag", tag: value };
    }
    if (QUANTITY.test(value)) return { kind: "number", number: Number.parseInt(value, 16) };
    if (HASH.test(value)) return { kind: "hash", hash: value };
  } else if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    if (typeof record.blockHash === "string" && HASH.test(record.blockHash)) {
      return { kind: "hash", hash: record.blockHash };
    }
    if (record.blockNumber !== undefined) return parseBlockRef(record.blockNumber, where);
  }
  throw invalidParams(
    `invalid block parameter in ${where}: expected a hex block number, "latest", "earliest", "pending", "safe", "finalized" or {blockHash}`,
  );
}

export function toQuantity(n: number): string {
  return `0x${n.toString(16)}`;
}

export function parseQuantity(value: unknown): number | undefined {
  return typeof value === "string" && QUANTITY.test(value) ? Number.parseInt(value, 16) : undefined;
}
