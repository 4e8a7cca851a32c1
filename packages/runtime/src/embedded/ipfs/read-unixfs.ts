import type { UnixFS } from "@helia/unixfs";
import type { CID } from "multiformats/cid";
import { isNotLocalError, KuboApiError } from "./kubo-error.ts";

/**
 * Starts reading a file and returns its first chunk together with the rest, so a
 * missing block or a directory is reported (as a KuboApiError) before any response
 * header is sent.
 */
export async function openUnixfsFile(
  fs: UnixFS,
  cid: CID,
  options: { path?: string; offset?: number; length?: number },
): Promise<{ first: Uint8Array | undefined; rest: AsyncIterator<Uint8Array> }> {
  const iterator = fs.cat(cid, { ...options, offline: true })[Symbol.asyncIterator]();
  try {
    const first = await iterator.next();
    return { first: first.done ? undefined : first.value, rest: iterator };
  } catch (error) {
    throw toKuboReadError(error, cid, options.path);
  }
}

export function toKuboReadError(error: unknown, cid: CID, path: string | undefined): unknown {
  if (error instanceof KuboApiError) return error;
  const where = path ? `${cid}/${path}` : cid.toString();
  if (isNotLocalError(error)) {
    return new KuboApiError(
      `block was not found locally (offline): ipld: could not find ${where}`,
      "normal",
      { cause: error },
    );
  }
  if (error instanceof Error && error.name === "NotAFileError") {
    return new KuboApiError("this dag node is a directory", "normal", { cause: error });
  }
  if (error instanceof Error && error.name === "NotUnixFSError") {
    return new KuboApiError(`${where} is not a UnixFS file`, "normal", { cause: error });
  }
  return error;
}
