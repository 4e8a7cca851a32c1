export { KuboApiError } from "./kubo-error.ts";
export { type IpfsNode, type IpfsNodeOptions, startIpfsNode } from "./start-ipfs-node.ts";
