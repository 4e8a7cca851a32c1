import { invalidParams, limitExceeded, toRpcErrorObject } from "../../rpc/errors.ts";
import type { RpcOutcome } from "../../rpc/types.ts";
import type { ChainContext, ChainView, RequestPlan } from "../chain-adapter.ts";
import { parseBlockRef, toQuantity } from "./block-ref.ts";

const CHUNK_CONCURRENCY = 4;

/**
 * eth_getLogs over a numeric range is resolved against the gateway head, checked against the
 * range limit, split into chunks fetched in parallel from the upstreams (each chunk cached on
 * its own once final) and merged in block order, with a limit on the merged result size.
 */
export function planGetLogs(params: unknown[], view: ChainView): RequestPlan {
  const filter = params[0];
  if (typeof filter !== "object" || filter === null || Array.isArray(filter)) {
    throw invalidParams("eth_getLogs expects a filter object as params[0]");
  }
  const record = filter as Record<string, unknown>;
  const head = Math.max(view.head, 0);
  if (record.blockHash !== undefined) {
    if (record.fromBlock !== undefined || record.toBlock !== undefined) {
      throw invalidParams("eth_getLogs filter cannot combine blockHash with fromBlock/toBlock");
    }
    return passThrough(params, head, "always");
  }
  const from = parseBlockRef(record.fromBlock ?? "latest", "fromBlock of eth_getLogs");
  const to = parseBlockRef(record.toBlock ?? "latest", "toBlock of eth_getLogs");
  if (view.head < 0 || !isResolvable(from.kind) || !isResolvable(to.kind)) {
    return passThrough(params, head, "never");
  }
  const fromBlock = from.kind === "number" ? from.number : view.head;
  const requestedTo = to.kind === "number" ? to.number : view.head;
  if (to.kind === "number" && fromBlock > requestedTo) {
    throw invalidParams(`eth_getLogs fromBlock ${fromBlock} is after toBlock ${requestedTo}`);
  }
  // Blocks past the gateway head are not advertised yet: answer as a node at that head would
  // (pollers asking for fromBlock = last seen + 1 to "latest" get an empty list).
  const toBlock = Math.min(requestedTo, view.head);
  if (fromBlock > toBlock) return { kind: "local", result: [] };
  return {
    kind: "custom",
    run: (context) => fetchLogsRange(context, record, fromBlock, toBlock),
  };
}

async function fetchLogsRange(
  context: ChainContext,
  filter: Record<string, unknown>,
  fromBlock: number,
  toBlock: number,
): Promise<RpcOutcome> {
  const { logsMaxRange, logsMaxResults, logsChunkBlocks } = context.limits;
  const span = toBlock - fromBlock + 1;
  if (span > logsMaxRange) {
    return refuse(
      limitExceeded(
        `eth_getLogs range of ${span} blocks exceeds the gateway limit of ${logsMaxRange}; narrow fromBlock/toBlock`,
      ),
    );
  }
  const finalized = context.view().finalized;
  const chunks: [number, number][] = [];
  for (let start = fromBlock; start <= toBlock; start += logsChunkBlocks) {
    chunks.push([start, Math.min(start + logsChunkBlocks - 1, toBlock)]);
  }
  const results: RpcOutcome[] = new Array(chunks.length);
  let next = 0;
  let failed: RpcOutcome | undefined;
  async function worker(): Promise<void> {
    while (next < chunks.length && failed === undefined) {
      const index = next++;
      const [a, b] = chunks[index]!;
      const outcome = await context.forward({
        method: "eth_getLogs",
        params: [{ ...filter, fromBlock: toQuantity(a), toBlock: toQuantity(b) }],
        minBlock: b,
        cache: b <= finalized ? "always" : "never",
        dedup: true,
        retry: "read",
      });
      if (!outcome.ok) failed = outcome;
      results[index] = outcome;
    }
  }
  await Promise.all(Array.from({ length: Math.min(CHUNK_CONCURRENCY, chunks.length) }, worker));
  if (failed !== undefined) return failed;
  const merged: unknown[] = [];
  for (const outcome of results) {
    if (!outcome.ok) return outcome;
    const logs: unknown = JSON.parse(outcome.resultJson);
    if (!Array.isArray(logs)) continue;
    for (const log of logs) merged.push(log);
    if (merged.length > logsMaxResults) {
      return refuse(
        limitExceeded(
          `eth_getLogs matched more than ${logsMaxResults} logs; narrow the block range or the address/topics filter`,
        ),
      );
    }
  }
  const source = results.length === 1 ? results[0]!.source : "merged";
  return { ok: true, resultJson: JSON.stringify(merged), source };
}

function isResolvable(kind: string): boolean {
  return kind === "number" || kind === "latest";
}

function passThrough(params: unknown[], head: number, cache: "always" | "never"): RequestPlan {
  return {
    kind: "forward",
    method: "eth_getLogs",
    params,
    minBlock: head,
    cache,
    dedup: true,
    retry: "read",
  };
}

function refuse(error: unknown): RpcOutcome {
  return { ok: false, error: toRpcErrorObject(error), source: "gateway" };
}
