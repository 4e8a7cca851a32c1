import { invalidParams } from "../../rpc/errors.ts";
import type { JsonRpcParams } from "../../rpc/types.ts";
import type { CacheRule, ChainView, RequestPlan } from "../chain-adapter.ts";
import { type BlockRef, parseBlockRef, parseQuantity, toQuantity } from "./block-ref.ts";
import { planGetLogs } from "./get-logs.ts";
import { ethereumMethodRules, type MethodRule } from "./method-rules.ts";
import { planSendRawTransaction } from "./send-raw-transaction.ts";

/**
 * Plans one Ethereum request against the gateway's consistent view. The central rule: a request
 * that depends on "latest" is pinned to the gateway head (rewritten to that block number, or
 * the number appended when the parameter was omitted) and only routed to upstreams that have
 * it, so a lagging upstream can never answer with an older block.
 */
export function planEthereumRequest(
  method: string,
  params: JsonRpcParams | undefined,
  view: ChainView,
): RequestPlan {
  const rule: MethodRule | undefined = ethereumMethodRules.get(method);
  // Methods without a rule (see plainMethods) are forwarded at the head and never cached.
  if (rule === undefined) return forward(method, params, view.head, "never", "read");
  switch (rule.kind) {
    case "head":
      if (view.head < 0) return forward(method, params, 0, "never", "read");
      return { kind: "local", result: toQuantity(view.head) };
    case "immutable":
      return withVisibility(forward(method, params, Math.max(view.head, 0), "always", "read"));
    case "by-transaction":
      return withVisibility(
        forward(method, params, Math.max(view.head, 0), includedAtOrBelow(view.finalized), "read"),
      );
    case "write":
      return {
        kind: "forward",
        method,
        params,
        minBlock: 0,
        cache: "never",
        dedup: false,
        retry: "once",
      };
    case "at-block":
      return planAtBlock(method, positional(method, params), rule, view);
    case "get-logs":
      return planGetLogs(positional(method, params), view);
    case "send-raw-transaction":
      return planSendRawTransaction(positional(method, params));
    case "refused":
    case "filter":
      throw new Error(`${rule.kind} method ${method} reached planning`);
  }
}

function planAtBlock(
  method: string,
  params: unknown[],
  rule: { index: number; optional: boolean; cacheable: boolean },
  view: ChainView,
): RequestPlan {
  const given = params[rule.index];
  if (given === undefined && !rule.optional) {
    throw invalidParams(`${method} needs a block parameter at params[${rule.index}]`);
  }
  if (params.length < rule.index) {
    throw invalidParams(`${method} expects at least ${rule.index} parameters before the block`);
  }
  const ref: BlockRef =
    given === undefined
      ? { kind: "latest" }
      : parseBlockRef(given, `params[${rule.index}] of ${method}`);
  // eth_call with a state override answers a hypothetical state: never cached.
  const cacheable = rule.cacheable && !(method === "eth_call" && params[2] !== undefined);
  const head = Math.max(view.head, 0);
  switch (ref.kind) {
    case "latest": {
      if (view.head < 0) return forward(method, params, 0, "never", "read");
      const pinned = params.slice();
      pinned[rule.index] = toQuantity(view.head);
      return forward(
        method,
        pinned,
        view.head,
        cacheable && view.head <= view.finalized ? "always" : "never",
        "read",
      );
    }
    case "number": {
      const cache = cacheable && ref.number <= view.finalized ? "always" : "never";
      return forward(method, params, ref.number, cache, "read");
    }
    case "hash":
      return forward(method, params, head, cacheable ? "always" : "never", "read");
    case "pending":
    case "moving-tag":
      return forward(method, params, head, "never", "read");
  }
}

/** Blocks, receipts and transactions name the block they are in (`number` / `blockNumber`). */
function revealedBlock(result: unknown): number | undefined {
  if (typeof result !== "object" || result === null) return undefined;
  const record = result as Record<string, unknown>;
  return parseQuantity(record.blockNumber) ?? parseQuantity(record.number);
}

function withVisibility(plan: RequestPlan): RequestPlan {
  return plan.kind === "forward" ? { ...plan, visibleAt: revealedBlock } : plan;
}

/** Receipts and transactions are final once their block is at or below the finalized block. */
function includedAtOrBelow(finalized: number): CacheRule {
  return (result) => {
    if (typeof result !== "object" || result === null) return false;
    const blockNumber = parseQuantity((result as Record<string, unknown>).blockNumber);
    return blockNumber !== undefined && blockNumber <= finalized;
  };
}

function forward(
  method: string,
  params: JsonRpcParams | undefined,
  minBlock: number,
  cache: CacheRule,
  retry: "read" | "once",
): RequestPlan {
  return {
    kind: "forward",
    method,
    params,
    minBlock: Math.max(minBlock, 0),
    cache,
    dedup: retry === "read",
    retry,
  };
}

function positional(method: string, params: JsonRpcParams | undefined): unknown[] {
  if (params === undefined) return [];
  if (!Array.isArray(params)) throw invalidParams(`${method} takes positional params (an array)`);
  return params;
}
