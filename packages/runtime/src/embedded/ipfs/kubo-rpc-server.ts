import { createServer, type Server } from "node:http";
import type { EmbeddedLogger } from "../logger.ts";
import { KuboApiError } from "./kubo-error.ts";
import type { NodeIdentity } from "./node-identity.ts";
import type { HeliaRepo } from "./open-helia-repo.ts";
import { rpcAdd } from "./rpc-add.ts";
import { rpcCat } from "./rpc-cat.ts";
import type { RpcCommand } from "./rpc-context.ts";
import { rpcId, rpcVersion } from "./rpc-node-info.ts";
import { rpcPinAdd, rpcPinLs, rpcPinRm } from "./rpc-pin.ts";

const COMMANDS: Record<string, RpcCommand> = {
  add: rpcAdd,
  cat: rpcCat,
  "pin/add": rpcPinAdd,
  "pin/ls": rpcPinLs,
  "pin/rm": rpcPinRm,
  id: rpcId,
  version: rpcVersion,
};

const API_PREFIX = "/api/v0/";

/** The Kubo-compatible RPC subset, all under /api/v0 and POST only, as on Kubo. */
export function createKuboRpcServer(context: {
  repo: HeliaRepo;
  identity: NodeIdentity;
  logger: EmbeddedLogger;
}): Server {
  return createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://ipfs.local");
    const name = url.pathname.startsWith(API_PREFIX) ? url.pathname.slice(API_PREFIX.length) : "";
    const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
    const run = async (): Promise<void> => {
      if (command === undefined) {
        throw new KuboApiError(`unknown command "${url.pathname}"`, "notFound");
      }
      if (request.method !== "POST") {
        response.setHeader("allow", "POST");
        throw new KuboApiError(`method ${request.method} not allowed`, "client", { status: 405 });
      }
      context.logger.debug?.({ command: name }, "ipfs rpc request");
      await command({ ...context, query: url.searchParams, request, response });
    };
    run().catch((error: unknown) => {
      const apiError =
        error instanceof KuboApiError
          ? error
          : new KuboApiError(error instanceof Error ? error.message : String(error), "normal", {
              cause: error,
            });
      if (!(error instanceof KuboApiError)) {
        context.logger.warn({ err: error, command: name }, "ipfs rpc command failed");
      }
      if (response.headersSent) {
        response.destroy();
        return;
      }
      const text = `${JSON.stringify(apiError.toJSON())}\n`;
      response
        .writeHead(apiError.status, {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(text),
        })
        .end(text);
      // Stop reading an upload we rejected early; the client gets the answer above.
      request.resume();
    });
  });
}
