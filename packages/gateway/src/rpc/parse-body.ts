import { limitExceeded, RpcError, rpcErrorCodes } from "./errors.ts";

export type ParsedBody = { batch: false; item: unknown } | { batch: true; items: unknown[] };

export interface BodyLimits {
  maxNestingDepth: number;
  maxBatchSize: number;
}

/**
 * Parses a JSON-RPC body (single request or batch). Nesting depth is checked on the raw text
 * before JSON.parse so a deeply nested payload costs one linear scan and nothing more.
 */
export function parseRpcBody(text: string, limits: BodyLimits): ParsedBody {
  if (exceedsNestingDepth(text, limits.maxNestingDepth)) {
    throw limitExceeded(`request nests deeper than ${limits.maxNestingDepth} levels`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new RpcError(rpcErrorCodes.parseError, "parse error: the body is not valid JSON");
  }
  if (!Array.isArray(value)) return { batch: false, item: value };
  if (value.length === 0) {
    throw new RpcError(rpcErrorCodes.invalidRequest, "invalid request: empty batch");
  }
  if (value.length > limits.maxBatchSize) {
    throw limitExceeded(
      `batch of ${value.length} requests exceeds the limit of ${limits.maxBatchSize}; split it`,
    );
  }
  return { batch: true, items: value };
}

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** True when brackets outside strings nest deeper than `maxDepth`. */
export function exceedsNestingDepth(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > maxDepth) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}
