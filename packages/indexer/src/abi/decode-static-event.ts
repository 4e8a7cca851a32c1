import type { AbiEvent, AbiParameter } from "viem";
import { toJsonValue } from "./json-value.ts";

/**
 * A fast decoder for events whose parameters are all static elementary types (address, bool,
 * intN, uintN, bytesN): reads 32-byte words straight from the hex, producing the same JSON
 * values as the viem path (lowercase addresses, decimal strings). viem's general decoder
 * checksums every address (a keccak each), which dominated backfill time. Returns undefined
 * for events it cannot handle, and throws when the log does not fit the event.
 */
export type StaticEventDecoder = (topics: string[], data: string) => Record<string, unknown>;

const STATIC = /^(address|bool|u?int\d*|bytes([1-9]|[12]\d|3[0-2]))$/;

export function compileStaticEventDecoder(event: AbiEvent): StaticEventDecoder | undefined {
  const inputs = event.inputs;
  if (!inputs.every((input) => STATIC.test(input.type))) return undefined;
  const indexedCount = inputs.filter((input) => input.indexed === true).length;
  const dataWords = inputs.length - indexedCount;
  return (topics, data) => {
    if (topics.length !== indexedCount + 1) throw new Error("topic count does not match the event");
    if (data.length !== 2 + dataWords * 64) throw new Error("data length does not match the event");
    const out: Record<string, unknown> = {};
    let topic = 1;
    let word = 0;
    for (const [i, input] of inputs.entries()) {
      const hex =
        input.indexed === true
          ? topics[topic++]!.slice(2)
          : data.slice(2 + word * 64, 2 + ++word * 64);
      const key = input.name !== undefined && input.name !== "" ? input.name : String(i);
      out[key] = decodeWord(input, hex);
    }
    return out;
  };
}

function decodeWord(input: AbiParameter, hex: string): unknown {
  const type = input.type;
  if (type === "address") {
    if (!/^0{24}/.test(hex)) throw new Error("dirty address bits");
    return `0x${hex.slice(24)}`;
  }
  if (type === "bool") {
    const value = BigInt(`0x${hex}`);
    if (value > 1n) throw new Error("invalid bool");
    return value === 1n;
  }
  if (type.startsWith("bytes")) return `0x${hex.slice(0, Number(type.slice(5)) * 2)}`;
  const bits = type.endsWith("int") ? 256 : Number(type.replace(/^u?int/, ""));
  let value = BigInt(`0x${hex}`);
  if (type.startsWith("int") && value >= 1n << 255n) value -= 1n << 256n;
  if (
    type.startsWith("int")
      ? value >= 1n << BigInt(bits - 1) || value < -(1n << BigInt(bits - 1))
      : value >= 1n << BigInt(bits)
  ) {
    throw new Error(`value out of range for ${type}`);
  }
  return toJsonValue(value);
}
