export type { DevnetAccount } from "@cryptokube/core/eth";
export { DevnetRpcError } from "./errors.ts";
export { DEFAULT_MNEMONIC, type DevnetOptions } from "./options.ts";
export { type Devnet, startDevnet } from "./start-devnet.ts";
