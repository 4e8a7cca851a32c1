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
    const filter = params[1] ?? {};
    if (typeof filter !== "object" || filter === null || Array.isArray(filter)) {
      throw invalidParams("the logs subscription filter must be an object");
    }
    const { address, topics } = filter as Record<string, unknown>;
    const clean: Record<string, unknown> = {};
    if (address !== undefined) clean.address = address;
    if (topics !== undefined) clean.topics = topics;
    return { kind: "logs", filter: clean };
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
    cache: number <= context.view().finalized ? "always" : "never",
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
