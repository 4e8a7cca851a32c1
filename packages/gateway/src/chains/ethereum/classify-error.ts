import type { JsonRpcErrorObject } from "../../rpc/types.ts";
import type { ErrorClass } from "../chain-adapter.ts";

/**
 * Node answers that mean "this node cannot serve it, another may": missing or pruned state,
 * blocks it does not have yet, methods its client does not implement, its own rate limits.
 * Everything else (reverts, invalid params, nonce and fee errors) is final and goes to the
 * client unchanged.
 */
const NOT_AVAILABLE_HERE =
  /missing trie node|header not found|unknown block|block not found|not found.*block|pruned|historical state|state (is )?not available|state .* unavailable|no state|invalid block tag|latest block number is|distance to target block exceeds|cannot query unfinalized|request beyond head|busy|timeout|timed out|too many requests|rate limit|capacity exceeded|internal error/i;

const RETRY_CODES = new Set([-32001, -32002, -32004, -32005, -32603, 429]);

export function classifyEthereumError(error: JsonRpcErrorObject): ErrorClass {
  if (RETRY_CODES.has(error.code)) return "retry-elsewhere";
  if (error.code === -32601) return "retry-elsewhere";
  return NOT_AVAILABLE_HERE.test(error.message) ? "retry-elsewhere" : "final";
}
