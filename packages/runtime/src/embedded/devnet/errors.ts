import { CryptoKubeError } from "@cryptokube/core";

/** A JSON-RPC error returned by the devnet to an in-process `request()` call. */
export class DevnetRpcError extends CryptoKubeError {
  override name = "DevnetRpcError";
  readonly rpcCode: number;
  readonly data: unknown;
  constructor(method: string, error: { code: number; message: string; data?: unknown }) {
    super(`devnet ${method} failed: ${error.message}`, {
      code: "DEVNET_RPC_ERROR",
      details: `JSON-RPC error ${error.code}`,
    });
    this.rpcCode = error.code;
    this.data = error.data;
  }
}

export function devnetOptionError(message: string, hint: string): CryptoKubeError {
  return new CryptoKubeError(message, { code: "DEVNET_INVALID_OPTION", hint });
}
