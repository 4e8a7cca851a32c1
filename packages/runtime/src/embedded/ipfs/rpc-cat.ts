import { parseContentPath } from "./content-path.ts";
import { openUnixfsFile, toKuboReadError } from "./read-unixfs.ts";
import { integerOption, type RpcCommand, requireArgs } from "./rpc-context.ts";

/** POST /api/v0/cat?arg=<cid>[/path]: streams the file's bytes. */
export const rpcCat: RpcCommand = async ({ repo, query, response }) => {
  const [arg = ""] = requireArgs(query, "ipfs-path");
  const { cid, path } = parseContentPath(arg);
  const offset = integerOption(query, "offset");
  const length = integerOption(query, "length");
  const { first, rest } = await openUnixfsFile(repo.fs, cid, {
    ...(path === "" ? {} : { path }),
    ...(offset === undefined ? {} : { offset }),
    ...(length === undefined ? {} : { length }),
  });
  response.writeHead(200, {
    "content-type": "text/plain",
    "x-stream-output": "1",
    trailer: "X-Stream-Error",
  });
  if (first !== undefined) response.write(first);
  try {
    for (let chunk = await rest.next(); !chunk.done; chunk = await rest.next()) {
      if (!response.write(chunk.value))
        await new Promise((resolve) => response.once("drain", resolve));
    }
  } catch (error) {
    // Headers are gone; Kubo reports mid-stream failures in this trailer.
    const failure = toKuboReadError(error, cid, path);
    response.addTrailers({
      "X-Stream-Error": failure instanceof Error ? failure.message : "read failed",
    });
  }
  response.end();
};
