import { invalidParams } from "../../rpc/errors.ts";
import type { JsonRpcParams } from "../../rpc/types.ts";
import type {
  ChainContext,
  HeadNotice,
  SubscriptionRequest,
  SubscriptionSupport,
} from "../chain-adapter.ts";
import { parseQuantity, toQuantity } from "./block-ref.ts";

/** Block fields that a newHeads notification does not carry (it is a header). */
const NON_HEADER_FIELDS = ["transactions", "uncles", "withdrawals", "size", "totalDifficulty"];

export const ethereumSubscriptions: SubscriptionSupport = {
  subscribeMethod: "eth_subscribe",
  unsubscribeMethod: "eth_unsubscribe",
  notificationMethod: "eth_subscription",
  parseSubscribe,
  fetchHead,
  fetchLogs,
};

function parseSubscribe(params: JsonRpcParams | undefined): SubscriptionRequest {
  if (!Array.isArray(params) || typeof params[0] !== "string") {
    throw invalidParams('eth_subscribe expects ["newHeads"] or ["logs", filter]');
  }
  if (params[0] === "newHeads") return { kind: "heads" };
  if (params[0] === "logs") {
    return {
      kind: "logs",
      filter: parseLogCriteria(params[1] ?? {}, "the logs subscription filter"),
    };
  }
  throw invalidParams(
    `unsupported subscription type "${params[0]}"; the gateway supports newHeads and logs`,
  );
}

async function fetchHead(context: ChainContext, number: number): Promise<HeadNotice | null> {
  const outcome = await context.forward({
    method: "eth_getBlockByNumber",
    params: [toQuantity(number), false],
    minBlock: number,
    // What the upstreams hold now, never a remembered block: a cached one would hide a reorg
    // deeper than the finality depth, and, were the upstreams to disagree, the feed would
    // unwind against it without end.
    cache: "never",
    dedup: true,
    retry: "read",
  });
  if (!outcome.ok) throw new Error(`block ${number}: ${outcome.error.message}`);
  const block: unknown = JSON.parse(outcome.resultJson);
  if (typeof block !== "object" || block === null) return null;
  const header = { ...(block as Record<string, unknown>) };
  for (const field of NON_HEADER_FIELDS) delete header[field];
  const hash = typeof header.hash === "string" ? header.hash : "";
  const parentHash = typeof header.parentHash === "string" ? header.parentHash : "";
  return { number: parseQuantity(header.number) ?? number, hash, parentHash, payload: header };
}

async function fetchLogs(
  context: ChainContext,
  filter: Record<string, unknown>,
  head: HeadNotice,
): Promise<unknown[]> {
  const outcome = await context.forward({
    method: "eth_getLogs",
    params: [{ ...filter, blockHash: head.hash }],
    minBlock: head.number,
    cache: "always",
    dedup: true,
    retry: "read",
  });
  if (!outcome.ok) throw new Error(`logs of block ${head.number}: ${outcome.error.message}`);
  const logs: unknown = JSON.parse(outcome.resultJson);
  return Array.isArray(logs) ? logs : [];
}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const TOPIC = /^0x[0-9a-fA-F]{64}$/;

/**
 * The address/topics part of a log filter, checked here so a bad filter is refused when it is
 * installed instead of failing on every block afterwards. `where` names it in errors.
 */
export function parseLogCriteria(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw invalidParams(`${where} must be an object`);
  }
  const { address, topics } = value as Record<string, unknown>;
  const clean: Record<string, unknown> = {};
  if (address !== undefined && address !== null) {
    const list = Array.isArray(address) ? address : [address];
    if (!list.every((a) => typeof a === "string" && ADDRESS.test(a))) {
      throw invalidParams(`${where}: address must be a 20-byte hex address or a list of them`);
    }
    clean.address = address;
  }
  if (topics !== undefined && topics !== null) {
    const isTopic = (t: unknown) => t === null || (typeof t === "string" && TOPIC.test(t));
    if (
      !Array.isArray(topics) ||
      topics.length > 4 ||
      !topics.every((t) => isTopic(t) || (Array.isArray(t) && t.every(isTopic)))
    ) {
      throw invalidParams(
        `${where}: topics must be a list of at most 4 entries, each null, a 32-byte hex topic or a list of them`,
      );
    }
    clean.topics = topics;
  }
  return clean;
}
