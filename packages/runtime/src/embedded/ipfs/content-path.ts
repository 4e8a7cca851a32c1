import { CID } from "multiformats/cid";
import { KuboApiError } from "./kubo-error.ts";

export interface ContentPath {
  cid: CID;
  /** Path inside the DAG, without leading slash; "" for the root. */
  path: string;
}

/** Parses `<cid>[/path]` or `/ipfs/<cid>[/path]` as Kubo's commands accept them. */
export function parseContentPath(text: string): ContentPath {
  const trimmed = text.startsWith("/ipfs/") ? text.slice("/ipfs/".length) : text;
  const [root = "", ...rest] = trimmed.split("/");
  try {
    return { cid: CID.parse(root), path: rest.filter((part) => part !== "").join("/") };
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new KuboApiError(`invalid path "${text}": invalid cid: ${reason}`, "normal", {
      cause: cause,
    });
  }
}
