import type { Helia, Pin } from "helia";
import type { CID } from "multiformats/cid";
import { walkLocalDag } from "./walk-dag.ts";

/**
 * Pins `cid` (recursively or directly) after checking every block it needs is
 * local. Pinning what is already pinned succeeds, as it does on Kubo.
 */
export async function pinDag(helia: Helia, cid: CID, recursive: boolean): Promise<void> {
  if (recursive) {
    for await (const _ of walkLocalDag(helia, cid)) {
      // walking proves the DAG is complete locally
    }
  } else {
    await walkLocalDag(helia, cid).next();
  }
  if (await isPinnedRoot(helia, cid)) return;
  try {
    const pinned = helia.pins.add(cid, {
      depth: recursive ? Number.POSITIVE_INFINITY : 0,
      metadata: { [ORIGINAL_CID]: cid.toString() },
    });
    for await (const _ of pinned) {
      // drain: pins.add yields each pinned block
    }
  } catch (error) {
    // Two concurrent requests pinning the same root: the other one won.
    if (!(error instanceof Error && error.name === "AlreadyPinnedError")) throw error;
  }
}

/**
 * Helia keys pins by multihash and lists them as CIDv1; Kubo lists a pin as the CID
 * it was added with (often CIDv0). The original is kept in the pin's metadata.
 */
const ORIGINAL_CID = "originalCid";

export function pinnedCidText(pin: Pin): string {
  const original = pin.metadata[ORIGINAL_CID];
  return typeof original === "string" ? original : pin.cid.toString();
}

export async function isPinnedRoot(helia: Helia, cid: CID): Promise<boolean> {
  try {
    await helia.pins.get(cid);
    return true;
  } catch {
    return false;
  }
}
