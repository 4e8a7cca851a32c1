import type { Server } from "node:http";
import { httpUrl, listenHttp } from "../listen-http.ts";
import { createSilentLogger, type EmbeddedLogger } from "../logger.ts";
import { createGatewayServer } from "./gateway-server.ts";
import { createKuboRpcServer } from "./kubo-rpc-server.ts";
import { loadOrCreateIdentity } from "./node-identity.ts";
import { openHeliaRepo } from "./open-helia-repo.ts";

export interface IpfsNodeOptions {
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /** Kubo RPC API port; default 5001, 0 = random free port. */
  apiPort?: number;
  /** Read-only HTTP gateway port; default 8080, 0 = random free port. */
  gatewayPort?: number;
  /** Directory holding blocks, pins and the node identity; created if missing. */
  repo: string;
  logger?: EmbeddedLogger;
}

export interface IpfsNode {
  /** http://host:port, the RPC root; the API is under /api/v0. */
  apiUrl: string;
  /** http://host:port; content under /ipfs/<cid>. */
  gatewayUrl: string;
  close(): Promise<void>;
}

/** Starts an offline IPFS node (Helia) with a Kubo-compatible RPC API and a gateway. */
export async function startIpfsNode(options: IpfsNodeOptions): Promise<IpfsNode> {
  const host = options.host ?? "127.0.0.1";
  const logger = options.logger ?? createSilentLogger();
  const repo = await openHeliaRepo(options.repo);
  const servers: Server[] = [];
  const close = async (): Promise<void> => {
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    await repo.close();
  };
  try {
    const identity = loadOrCreateIdentity(options.repo);
    const api = createKuboRpcServer({ repo, identity, logger });
    servers.push(api);
    const apiPort = await listenHttp(api, {
      host,
      port: options.apiPort ?? 5001,
      service: "ipfs api",
    });
    const gateway = createGatewayServer({ repo, logger });
    servers.push(gateway);
    const gatewayPort = await listenHttp(gateway, {
      host,
      port: options.gatewayPort ?? 8080,
      service: "ipfs gateway",
    });
    const node: IpfsNode = {
      apiUrl: httpUrl("http", host, apiPort),
      gatewayUrl: httpUrl("http", host, gatewayPort),
      close: onlyOnce(async () => {
        await close();
        logger.info({ apiUrl: node.apiUrl }, "ipfs node stopped");
      }),
    };
    logger.info(
      {
        apiUrl: node.apiUrl,
        gatewayUrl: node.gatewayUrl,
        peerId: identity.peerId,
        repo: options.repo,
      },
      "ipfs node listening",
    );
    return node;
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}

function onlyOnce(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => {
    running ??= fn();
    return running;
  };
}
