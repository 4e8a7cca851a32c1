import type { ImportCandidate } from "ipfs-unixfs-importer";
import { kuboImportOptions } from "./kubo-import-options.ts";
import { pinDag } from "./pin-dag.ts";
import { readMultipartFiles } from "./read-multipart-files.ts";
import { booleanOption, type RpcCommand, sendNdjson } from "./rpc-context.ts";

const MAX_UPLOAD_BYTES = 256 * 1024 * 1024;

/** POST /api/v0/add: multipart upload, answers Kubo's `{Name, Hash, Size}` lines. */
export const rpcAdd: RpcCommand = async ({ repo, query, request, response }) => {
  const options = kuboImportOptions(query);
  const pin = booleanOption(query, "pin", true);
  const quieter = booleanOption(query, "quieter", false);
  const uploads = await readMultipartFiles(request, MAX_UPLOAD_BYTES);

  const candidates = uploads.map((upload): ImportCandidate => {
    if (upload.content === undefined) return { path: upload.path ?? "" };
    return upload.path === undefined
      ? { content: upload.content }
      : { path: upload.path, content: upload.content };
  });
  const results = [];
  for await (const result of repo.fs.addAll(candidates, options)) results.push(result);

  // Kubo pins the roots of what was added: top-level entries, or the wrapping directory.
  const roots = options.wrapWithDirectory
    ? results.slice(-1)
    : results.filter((result) => !(result.path ?? "").includes("/"));
  if (pin) for (const root of roots) await pinDag(repo.helia, root.cid, true);

  const lines = results.map((result) => ({
    Name: result.path ?? result.cid.toString(),
    Hash: result.cid.toString(),
    Size: result.size.toString(),
  }));
  sendNdjson(response, quieter ? lines.slice(-1) : lines);
};
