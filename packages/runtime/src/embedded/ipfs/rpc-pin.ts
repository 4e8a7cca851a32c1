import type { Helia } from "helia";
import type { CID } from "multiformats/cid";
import { parseContentPath } from "./content-path.ts";
import { KuboApiError } from "./kubo-error.ts";
import type { HeliaRepo } from "./open-helia-repo.ts";
import { isPinnedRoot, pinDag, pinnedCidText } from "./pin-dag.ts";
import { toKuboReadError } from "./read-unixfs.ts";
import {
  booleanOption,
  type RpcCommand,
  requireArgs,
  sendJson,
  sendNdjson,
} from "./rpc-context.ts";
import { walkLocalDag } from "./walk-dag.ts";

type PinType = "recursive" | "direct" | "indirect";

/** POST /api/v0/pin/add?arg=<cid>[&recursive=false] */
export const rpcPinAdd: RpcCommand = async ({ repo, query, response }) => {
  const recursive = booleanOption(query, "recursive", true);
  const pinned: string[] = [];
  for (const arg of requireArgs(query, "ipfs-path")) {
    const cid = await resolveContentPath(repo, arg);
    await pinDag(repo.helia, cid, recursive);
    pinned.push(cid.toString());
  }
  sendJson(response, { Pins: pinned });
};

/** POST /api/v0/pin/rm?arg=<cid> */
export const rpcPinRm: RpcCommand = async ({ repo, query, response }) => {
  const recursive = booleanOption(query, "recursive", true);
  const removed: string[] = [];
  for (const arg of requireArgs(query, "ipfs-path")) {
    const cid = await resolveContentPath(repo, arg);
    const type = await rootPinType(repo.helia, cid);
    if (type === undefined) throw new KuboApiError(`${cid}: not pinned or pinned indirectly`);
    if (type === "recursive" && !recursive) {
      throw new KuboApiError(`${cid} is pinned recursively`);
    }
    for await (const _ of repo.helia.pins.rm(cid)) {
      // drain: pins.rm yields each unpinned block
    }
    removed.push(cid.toString());
  }
  sendJson(response, { Pins: removed });
};

/** POST /api/v0/pin/ls[?arg=<cid>][&type=all|recursive|direct|indirect][&stream=true] */
export const rpcPinLs: RpcCommand = async ({ repo, query, response }) => {
  const type = query.get("type") ?? "all";
  if (!["all", "recursive", "direct", "indirect"].includes(type)) {
    throw new KuboApiError(
      `invalid type '${type}', must be one of {direct, indirect, recursive, all}`,
      "client",
    );
  }
  const wanted = (pinType: PinType): boolean => type === "all" || type === pinType;
  const found = new Map<string, string>();
  const args = query.getAll("arg");
  if (args.length > 0) {
    for (const arg of args) {
      const cid = await resolveContentPath(repo, arg);
      const pinType = await describePin(repo.helia, cid);
      if (
        pinType === undefined ||
        !wanted(pinType.startsWith("indirect") ? "indirect" : (pinType as PinType))
      ) {
        throw new KuboApiError(`path '${arg}' is not pinned`);
      }
      found.set(cid.toString(), pinType);
    }
  } else {
    for (const [cid, pinType] of await listPins(repo.helia)) {
      if (wanted(pinType)) found.set(cid, pinType);
    }
  }
  if (booleanOption(query, "stream", false)) {
    sendNdjson(
      response,
      [...found].map(([cid, pinType]) => ({ Cid: cid, Type: pinType })),
    );
    return;
  }
  sendJson(response, {
    Keys: Object.fromEntries([...found].map(([cid, pinType]) => [cid, { Type: pinType }])),
  });
};

async function resolveContentPath(repo: HeliaRepo, arg: string): Promise<CID> {
  const { cid, path } = parseContentPath(arg);
  if (path === "") return cid;
  try {
    return (await repo.fs.stat(cid, { path, offline: true })).cid;
  } catch (error) {
    throw toKuboReadError(error, cid, path);
  }
}

async function rootPinType(helia: Helia, cid: CID): Promise<"recursive" | "direct" | undefined> {
  if (!(await isPinnedRoot(helia, cid))) return undefined;
  const pin = await helia.pins.get(cid);
  return pin.depth === 0 ? "direct" : "recursive";
}

/** Kubo's answer for one CID: its own pin type, or "indirect through <root>". */
async function describePin(helia: Helia, cid: CID): Promise<string | undefined> {
  const own = await rootPinType(helia, cid);
  if (own !== undefined) return own;
  for await (const pin of helia.pins.ls()) {
    if (pin.depth === 0) continue;
    for await (const child of walkLocalDag(helia, pin.cid)) {
      if (multihashKey(child) === multihashKey(cid)) {
        return `indirect through ${pinnedCidText(pin)}`;
      }
    }
  }
  return undefined;
}

/** Every pinned CID with its type; indirect pins are found by walking recursive pins. */
async function listPins(helia: Helia): Promise<Map<string, PinType>> {
  // Keyed by multihash so a block pinned as CIDv0 and linked as CIDv1 is counted once.
  const byMultihash = new Map<string, { cid: string; type: PinType }>();
  const recursiveRoots: CID[] = [];
  for await (const pin of helia.pins.ls()) {
    const type = pin.depth === 0 ? "direct" : "recursive";
    byMultihash.set(multihashKey(pin.cid), { cid: pinnedCidText(pin), type });
    if (type === "recursive") recursiveRoots.push(pin.cid);
  }
  for (const root of recursiveRoots) {
    for await (const child of walkLocalDag(helia, root)) {
      const key = multihashKey(child);
      if (!byMultihash.has(key)) byMultihash.set(key, { cid: child.toString(), type: "indirect" });
    }
  }
  return new Map([...byMultihash.values()].map(({ cid, type }) => [cid, type]));
}

function multihashKey(cid: CID): string {
  return Buffer.from(cid.multihash.bytes).toString("base64");
}
