export { type DevnetAccount, deriveAccounts } from "./derive-accounts.ts";
export { checksumAddress, etherToWei, hexToBuffer, publicKeyToAddress } from "./eth-units.ts";
