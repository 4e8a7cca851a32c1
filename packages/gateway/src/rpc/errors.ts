import { CryptoKubeError } from "@cryptokube/core";
import type { JsonRpcErrorObject } from "./types.ts";

/** Standard JSON-RPC 2.0 codes and the EIP-1474 server codes the gateway uses. */
export const rpcErrorCodes = {
  parseError: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
  internalError: -32603,
  serverError: -32000,
  resourceUnavailable: -32002,
  limitExceeded: -32005,
} as const;

/**
 * An error that is answered to the client as a JSON-RPC error object. Thrown anywhere in the
 * request pipeline; the server turns it into a response, so it never reaches the process.
 */
export class RpcError extends CryptoKubeError {
  override name = "RpcError";
  readonly rpcCode: number;
  readonly data: unknown;

  constructor(
    rpcCode: number,
    message: string,
    options: { data?: unknown; retryable?: boolean } = {},
  ) {
    super(message, { code: "GATEWAY_RPC_ERROR", retryable: options.retryable ?? false });
    this.rpcCode = rpcCode;
    this.data = options.data;
  }

  toObject(): JsonRpcErrorObject {
    return this.data === undefined
      ? { code: this.rpcCode, message: this.message }
      : { code: this.rpcCode, message: this.message, data: this.data };
  }
}

export function invalidParams(message: string): RpcError {
  return new RpcError(rpcErrorCodes.invalidParams, message);
}

export function limitExceeded(message: string): RpcError {
  return new RpcError(rpcErrorCodes.limitExceeded, message);
}

/** Converts anything thrown inside the pipeline to an error object safe to show a client. */
export function toRpcErrorObject(error: unknown): JsonRpcErrorObject {
  if (error instanceof RpcError) return error.toObject();
  // Unexpected failures are reported generically: their text may contain upstream URLs.
  return { code: rpcErrorCodes.internalError, message: "internal gateway error" };
}
