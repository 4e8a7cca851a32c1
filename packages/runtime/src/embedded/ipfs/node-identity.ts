import { createPrivateKey, createPublicKey, generateKeyPairSync } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { base58btc } from "multiformats/bases/base58";
import { identity } from "multiformats/hashes/identity";

export interface NodeIdentity {
  /** libp2p peer id (12D3KooW...), as Kubo reports it. */
  peerId: string;
  /** base64 protobuf-encoded public key, as in Kubo's `id` answer. */
  publicKey: string;
}

const KEY_FILE = "identity.pem";

/**
 * The node's Ed25519 identity, created on first start and kept in the repo so the
 * peer id is stable. The node never dials out; the id exists because Kubo clients
 * (e.g. kubo-rpc-client's `id()`) parse it. The private key stays in the repo file.
 */
export function loadOrCreateIdentity(repo: string): NodeIdentity {
  const path = join(repo, KEY_FILE);
  if (!existsSync(path)) {
    const { privateKey } = generateKeyPairSync("ed25519");
    writeFileSync(path, privateKey.export({ format: "pem", type: "pkcs8" }), { mode: 0o600 });
  }
  const publicKey = createPublicKey(createPrivateKey(readFileSync(path)));
  // The raw 32-byte key is the tail of its SPKI DER encoding.
  const raw = publicKey.export({ format: "der", type: "spki" }).subarray(-32);
  // libp2p PublicKey protobuf: field 1 (KeyType) = 1 (Ed25519), field 2 (Data) = 32 bytes.
  const protobuf = Uint8Array.from([0x08, 0x01, 0x12, 0x20, ...raw]);
  // Keys this small are embedded in the peer id with the identity multihash.
  const peerId = base58btc.baseEncode(identity.digest(protobuf).bytes);
  return { peerId, publicKey: Buffer.from(protobuf).toString("base64") };
}
