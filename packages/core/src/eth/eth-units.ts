import { keccak_256 } from "@noble/hashes/sha3.js";
import { CryptoKubeError } from "../errors.ts";

/*
 * The few Ethereum conversions the devnet, the planner and the CLI need, on @noble/hashes
 * alone: importing viem's entry point costs a process ~0.3-0.5 s of module loading at start.
 */

/** Wei in `eth` ether, exactly as written in decimal (viem's parseEther for plain decimals). */
export function etherToWei(eth: number): bigint {
  const text = String(eth);
  const match = /^(\d+)(?:\.(\d{1,18}))?$/.exec(text);
  if (match === null) {
    throw new CryptoKubeError(`an ether amount of ${text} has no exact value in wei`, {
      code: "DEVNET_BAD_OPTION",
      hint: "give the balance in ether as a plain decimal with at most 18 decimals",
    });
  }
  return BigInt(match[1]!) * 10n ** 18n + BigInt((match[2] ?? "").padEnd(18, "0"));
}

/** The EIP-55 checksummed form of a 20-byte address. */
export function checksumAddress(address: Uint8Array): `0x${string}` {
  const lower = Buffer.from(address).toString("hex");
  const hash = Buffer.from(keccak_256(new TextEncoder().encode(lower))).toString("hex");
  let out = "0x";
  for (let i = 0; i < lower.length; i++) {
    out += Number.parseInt(hash[i]!, 16) >= 8 ? lower[i]!.toUpperCase() : lower[i]!;
  }
  return out as `0x${string}`;
}

/** The address of an uncompressed secp256k1 public key (65 bytes, 0x04 prefix). */
export function publicKeyToAddress(uncompressed: Uint8Array): `0x${string}` {
  return checksumAddress(keccak_256(uncompressed.subarray(1)).subarray(12));
}

export function hexToBuffer(hex: string): Buffer {
  return Buffer.from(hex.startsWith("0x") ? hex.slice(2) : hex, "hex");
}
