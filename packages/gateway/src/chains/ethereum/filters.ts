import { invalidParams } from "../../rpc/errors.ts";
import type { FilterRequest, FilterSupport } from "../chain-adapter.ts";
import { parseBlockRef, parseQuantity } from "./block-ref.ts";
import { parseLogCriteria } from "./subscriptions.ts";

/** eth_newFilter / eth_newBlockFilter and their polling calls, served by the gateway. */
export const ethereumFilters: FilterSupport = {
  methods: {
    newLogFilter: "eth_newFilter",
    newHeadFilter: "eth_newBlockFilter",
    changes: "eth_getFilterChanges",
    allLogs: "eth_getFilterLogs",
    uninstall: "eth_uninstallFilter",
  },
  parseLogFilter(params) {
    if (params !== undefined && !Array.isArray(params)) {
      throw invalidParams("eth_newFilter takes positional params (an array)");
    }
    const criteria: unknown = params?.[0] ?? {};
    const filter = parseLogCriteria(criteria, "the eth_newFilter filter");
    const record = criteria as Record<string, unknown>;
    if (record.blockHash !== undefined) {
      throw invalidParams("eth_newFilter does not take blockHash; use eth_getLogs for one block");
    }
    const request: FilterRequest = {
      subscription: { kind: "logs", filter },
      allLogs: { method: "eth_getLogs", params: [criteria] },
    };
    const fromBlock = rangeEnd(record.fromBlock, "fromBlock");
    const toBlock = rangeEnd(record.toBlock, "toBlock");
    if (fromBlock !== undefined) request.fromBlock = fromBlock;
    if (toBlock !== undefined) request.toBlock = toBlock;
    if (fromBlock !== undefined && toBlock !== undefined && fromBlock > toBlock) {
      throw invalidParams(`eth_newFilter fromBlock ${fromBlock} is after toBlock ${toBlock}`);
    }
    return request;
  },
  headChange: (head) => head.hash,
  logBlock: (log) =>
    typeof log === "object" && log !== null
      ? parseQuantity((log as Record<string, unknown>).blockNumber)
      : undefined,
};

/** A block number bounds the filter; "latest" and "pending" (or nothing) leave it open. */
function rangeEnd(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const ref = parseBlockRef(value, `${field} of eth_newFilter`);
  if (ref.kind === "number") return ref.number;
  if (ref.kind === "latest" || ref.kind === "pending") return undefined;
  throw invalidParams(
    `${field} of eth_newFilter must be a block number, "earliest", "latest" or "pending"`,
  );
}
