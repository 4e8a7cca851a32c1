import { createECDH, createHmac, pbkdf2Sync } from "node:crypto";
import { publicKeyToAddress } from "./eth-units.ts";

export interface DevnetAccount {
  address: `0x${string}`;
  privateKey: `0x${string}`;
}

/** Order of the secp256k1 group. */
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const HARDENED = 0x80000000;
/** m/44'/60'/0'/0, the parent of every account. */
const PATH = [44 + HARDENED, 60 + HARDENED, HARDENED, 0];

interface ExtendedKey {
  key: Buffer;
  chainCode: Buffer;
}

/**
 * Derives `count` accounts on m/44'/60'/0'/0/i: the keys and addresses of viem's
 * `mnemonicToAccount` (and hardhat/anvil), which a test checks. BIP-32 is written out here
 * over node:crypto (HMAC-SHA512, PBKDF2, secp256k1 points in OpenSSL) because the JavaScript
 * curve arithmetic of viem's HDKey cost ~200 ms of CPU per process start, in both the devnet
 * and the dashboard, for ten accounts.
 */
export function deriveAccounts(mnemonic: string, count: number): DevnetAccount[] {
  const seed = pbkdf2Sync(mnemonic.normalize("NFKD"), "mnemonic", 2048, 64, "sha512");
  const master = createHmac("sha512", "Bitcoin seed").update(seed).digest();
  let parent: ExtendedKey = { key: master.subarray(0, 32), chainCode: master.subarray(32) };
  for (const index of PATH) parent = deriveChild(parent, index);
  const accounts: DevnetAccount[] = [];
  for (let index = 0; index < count; index++) {
    const { key } = deriveChild(parent, index);
    accounts.push({
      address: publicKeyToAddress(publicKey(key, "uncompressed")),
      privateKey: `0x${key.toString("hex")}`,
    });
  }
  return accounts;
}

/** BIP-32 CKDpriv. */
function deriveChild(parent: ExtendedKey, index: number): ExtendedKey {
  const data = Buffer.alloc(37);
  if (index >= HARDENED) parent.key.copy(data, 1);
  else publicKey(parent.key, "compressed").copy(data, 0);
  data.writeUInt32BE(index, 33);
  const digest = createHmac("sha512", parent.chainCode).update(data).digest();
  const tweak = BigInt(`0x${digest.subarray(0, 32).toString("hex")}`);
  const child = (tweak + BigInt(`0x${parent.key.toString("hex")}`)) % N;
  // Probability below 2^-127; BIP-32 says to skip to the next index, which no wallet does.
  if (tweak >= N || child === 0n) throw new Error(`BIP-32 derivation of index ${index} is invalid`);
  return {
    key: Buffer.from(child.toString(16).padStart(64, "0"), "hex"),
    chainCode: digest.subarray(32),
  };
}

function publicKey(privateKey: Buffer, format: "compressed" | "uncompressed"): Buffer {
  const ecdh = createECDH("secp256k1");
  ecdh.setPrivateKey(privateKey);
  return ecdh.getPublicKey(null, format);
}
