import type { Helia } from "helia";
import { createUnsafe } from "multiformats/block";
import type { CID } from "multiformats/cid";
import { KuboApiError } from "./kubo-error.ts";

/**
 * Yields every CID reachable from `root` (root first, each once), reading only the
 * local blockstore. Throws KuboApiError if a block is missing: there is no network
 * to fetch it from. Helia's own pin walker must not see a missing block (its failure
 * escapes as an unhandled rejection), so pinning checks completeness with this first.
 */
export async function* walkLocalDag(helia: Helia, root: CID): AsyncGenerator<CID> {
  const seen = new Set<string>();
  const stack: CID[] = [root];
  while (stack.length > 0) {
    const cid = stack.pop()!;
    const key = cid.toString();
    if (seen.has(key)) continue;
    seen.add(key);
    if (!(await helia.blockstore.has(cid))) {
      throw new KuboApiError(
        `block was not found locally (offline): ipld: could not find ${key}`,
        "normal",
      );
    }
    yield cid;
    const chunks: Uint8Array[] = [];
    for await (const chunk of helia.blockstore.get(cid, { offline: true })) chunks.push(chunk);
    const bytes = new Uint8Array(Buffer.concat(chunks));
    const codec = await helia.getCodec(cid.code);
    const block = createUnsafe({ bytes, cid, codec, value: codec.decode(bytes) });
    const children = [...block.links()].map(([, link]) => link);
    // Reverse so the walk visits links in DAG order.
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
}
