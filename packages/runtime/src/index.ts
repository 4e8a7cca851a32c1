/**
 * @cryptokube/runtime: runs a plan on this machine. The local supervisor is the
 * main export; the embedded servers have their own entry points
 * (`@cryptokube/runtime/devnet`, `@cryptokube/runtime/ipfs`).
 */
export * from "./local/index.ts";
