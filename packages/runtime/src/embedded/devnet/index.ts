export type { DevnetAccount } from "./derive-accounts.ts";
export { DevnetRpcError } from "./errors.ts";
export { DEFAULT_MNEMONIC, type DevnetOptions } from "./options.ts";
export { type Devnet, startDevnet } from "./start-devnet.ts";
