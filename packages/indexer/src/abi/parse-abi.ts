import { CryptoKubeError } from "@cryptokube/core";
import type { Abi } from "viem";

/** A malformed ABI: the message says where (`abi[3].inputs[1].type`) and what. */
export class AbiError extends CryptoKubeError {
  override name = "AbiError";
  constructor(message: string, hint = "give a JSON ABI array as solc or a framework emits it") {
    super(message, { code: "INDEXER_ABI_INVALID", hint });
  }
}

const ITEM_TYPES = new Set(["function", "event", "constructor", "fallback", "receive", "error"]);
const INT_BITS = /^u?int(\d*)$/;
const FIXED_BYTES = /^bytes(\d+)$/;

/**
 * Validates a JSON ABI (an array, or an artifact object with an `abi` array) and returns it.
 * Checks what decoding relies on: item kinds, names, and every parameter's Solidity type.
 */
export function parseAbi(value: unknown, where = "abi"): Abi {
  let abi = value;
  if (typeof abi === "string") {
    try {
      abi = JSON.parse(abi);
    } catch (error) {
      throw new AbiError(`${where}: not valid JSON (${(error as Error).message})`);
    }
  }
  if (abi !== null && typeof abi === "object" && !Array.isArray(abi) && "abi" in abi) {
    abi = (abi as { abi: unknown }).abi;
    where = `${where}.abi`;
  }
  if (!Array.isArray(abi)) {
    throw new AbiError(`${where}: expected a JSON array of ABI items, got ${describe(abi)}`);
  }
  for (const [i, item] of abi.entries()) checkItem(item, `${where}[${i}]`);
  return abi as Abi;
}

function checkItem(item: unknown, where: string): void {
  if (item === null || typeof item !== "object" || Array.isArray(item)) {
    throw new AbiError(`${where}: expected an object, got ${describe(item)}`);
  }
  const record = item as Record<string, unknown>;
  const type = record.type ?? "function";
  if (typeof type !== "string" || !ITEM_TYPES.has(type)) {
    throw new AbiError(
      `${where}.type: expected one of ${[...ITEM_TYPES].join(", ")}, got ${describe(type)}`,
    );
  }
  if (type === "function" || type === "event" || type === "error") {
    if (typeof record.name !== "string" || !/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(record.name)) {
      throw new AbiError(
        `${where}.name: a ${type} needs an identifier name, got ${describe(record.name)}`,
      );
    }
  }
  for (const key of ["inputs", "outputs"] as const) {
    const params = record[key];
    if (params === undefined) continue;
    if (!Array.isArray(params)) {
      throw new AbiError(`${where}.${key}: expected an array, got ${describe(params)}`);
    }
    for (const [i, param] of params.entries()) checkParam(param, `${where}.${key}[${i}]`);
  }
}

function checkParam(param: unknown, where: string): void {
  if (param === null || typeof param !== "object" || Array.isArray(param)) {
    throw new AbiError(`${where}: expected a parameter object, got ${describe(param)}`);
  }
  const record = param as Record<string, unknown>;
  if (record.name !== undefined && typeof record.name !== "string") {
    throw new AbiError(`${where}.name: expected a string, got ${describe(record.name)}`);
  }
  if (typeof record.type !== "string") {
    throw new AbiError(
      `${where}.type: expected a Solidity type string, got ${describe(record.type)}`,
    );
  }
  const base = record.type.replace(/(\[\d*\])+$/, "");
  if (base === "tuple") {
    if (!Array.isArray(record.components)) {
      throw new AbiError(`${where}.components: a tuple needs a components array`);
    }
    for (const [i, c] of record.components.entries()) checkParam(c, `${where}.components[${i}]`);
    return;
  }
  if (!isElementaryType(base)) {
    throw new AbiError(`${where}.type: '${record.type}' is not a Solidity type`);
  }
}

function isElementaryType(type: string): boolean {
  if (["address", "bool", "string", "bytes", "function"].includes(type)) return true;
  const int = INT_BITS.exec(type);
  if (int !== null) {
    if (int[1] === "") return true;
    const bits = Number(int[1]);
    return bits >= 8 && bits <= 256 && bits % 8 === 0;
  }
  const bytes = FIXED_BYTES.exec(type);
  if (bytes !== null) {
    const size = Number(bytes[1]);
    return size >= 1 && size <= 32;
  }
  return false;
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return `'${value.length > 40 ? `${value.slice(0, 40)}…` : value}'`;
  return typeof value === "object" ? "an object" : `${typeof value} ${String(value)}`;
}
