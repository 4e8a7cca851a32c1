import { arch, platform } from "node:os";
import { type RpcCommand, sendJson } from "./rpc-context.ts";

/** POST /api/v0/id: the node's identity. It has no addresses: it never listens on libp2p. */
export const rpcId: RpcCommand = async ({ repo, identity, response }) => {
  sendJson(response, {
    ID: identity.peerId,
    PublicKey: identity.publicKey,
    Addresses: [],
    AgentVersion: `cryptokube-embedded-ipfs/helia-${repo.helia.info.version}`,
    Protocols: [],
  });
};

/** POST /api/v0/version */
export const rpcVersion: RpcCommand = async ({ repo, response }) => {
  sendJson(response, {
    Version: `helia-${repo.helia.info.version}`,
    Commit: "",
    Repo: "embedded",
    System: `${arch()}/${platform()}`,
    Golang: "none (Helia on Node.js)",
  });
};
