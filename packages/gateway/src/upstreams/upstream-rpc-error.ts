import { CryptoKubeError } from "@cryptokube/core";
import type { JsonRpcErrorObject } from "../rpc/types.ts";

/** An upstream answered with a JSON-RPC error (the node is up; the request failed there). */
export class UpstreamRpcError extends CryptoKubeError {
  override name = "UpstreamRpcError";
  readonly error: JsonRpcErrorObject;
  constructor(upstream: string, error: JsonRpcErrorObject) {
    super(`upstream "${upstream}" answered error ${error.code}: ${error.message}`, {
      code: "GATEWAY_UPSTREAM_RPC_ERROR",
    });
    this.error = error;
  }
}
