import type { AddOptions } from "@helia/unixfs";
import { fixedSize } from "ipfs-unixfs-importer/chunker";
import { balanced } from "ipfs-unixfs-importer/layout";
import { KuboApiError } from "./kubo-error.ts";
import { booleanOption } from "./rpc-context.ts";

const KUBO_CHUNK_SIZE = 262_144;
const KUBO_MAX_CHILDREN = 174;

/**
 * Importer settings that give the same CIDs as `ipfs add` on Kubo: CIDv0 by default,
 * 256 KiB chunks, balanced layout with 174 links per node, raw leaves only for
 * CIDv1 (Helia's own defaults differ, so its CIDs would not match a Kubo node's).
 */
export function kuboImportOptions(query: URLSearchParams): AddOptions {
  const cidVersionText = query.get("cid-version") ?? "0";
  if (cidVersionText !== "0" && cidVersionText !== "1") {
    throw new KuboApiError(
      `option "cid-version": unsupported CID version "${cidVersionText}"`,
      "client",
    );
  }
  const cidVersion = cidVersionText === "1" ? 1 : 0;
  const hash = query.get("hash");
  if (hash !== null && hash !== "sha2-256") {
    throw new KuboApiError(`option "hash": only sha2-256 is supported, got "${hash}"`, "client");
  }
  for (const unsupported of ["only-hash", "trickle", "nocopy", "inline"]) {
    if (booleanOption(query, unsupported, false)) {
      throw new KuboApiError(
        `option "${unsupported}" is not supported by the embedded IPFS node`,
        "client",
      );
    }
  }
  return {
    cidVersion,
    rawLeaves: booleanOption(query, "raw-leaves", cidVersion === 1),
    chunker: fixedSize({ chunkSize: parseChunker(query.get("chunker")) }),
    layout: balanced({ maxChildrenPerNode: KUBO_MAX_CHILDREN }),
    wrapWithDirectory: booleanOption(query, "wrap-with-directory", false),
  };
}

function parseChunker(chunker: string | null): number {
  if (chunker === null || chunker === "") return KUBO_CHUNK_SIZE;
  const match = /^size-(\d+)$/.exec(chunker);
  const size = match ? Number(match[1]) : Number.NaN;
  if (!Number.isSafeInteger(size) || size <= 0 || size > 1_048_576) {
    throw new KuboApiError(
      `option "chunker": only size-<bytes> up to 1048576 is supported, got "${chunker}"`,
      "client",
    );
  }
  return size;
}
