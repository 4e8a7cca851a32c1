import { CryptoKubeError } from "@cryptokube/core";
import { createPublicClient, http } from "viem";
import type { BlockData } from "./block-data.ts";
import type { Hex, RpcBlock, RpcReceipt } from "./rpc-types.ts";
import { toBlockData } from "./to-block-data.ts";

export interface BlockHeader {
  number: number;
  hash: string;
  parentHash: string;
}

export interface ChainClientOptions {
  rpc: string;
  /** JSON-RPC calls per HTTP batch. */
  batchSize: number;
  /** HTTP batches in flight at once. */
  concurrency: number;
  timeoutMs: number;
}

export interface ChainClient {
  chainId(): Promise<number>;
  headNumber(): Promise<number>;
  /** The canonical header at `number`, or undefined when the chain is shorter. */
  header(number: number): Promise<BlockHeader | undefined>;
  /**
   * Blocks `from..to` with transactions, receipts and logs, in order. Throws a retryable
   * INDEXER_CHAIN_MOVED error when the blocks read do not form one chain (a reorg under us).
   */
  fetchBlocks(from: number, to: number): Promise<BlockData[]>;
}

type RawRequest = (args: { method: string; params: unknown[] }) => Promise<unknown>;

const hexNumber = (n: number): Hex => `0x${n.toString(16)}`;

/**
 * Reads the chain over JSON-RPC with viem's HTTP transport (batched calls, retries on
 * transient errors). Results are kept in their raw hex form and turned into rows directly,
 * skipping viem's formatters, which would cost more than the rows themselves.
 */
export function createChainClient(options: ChainClientOptions): ChainClient {
  const client = createPublicClient({
    transport: http(options.rpc, {
      batch: { batchSize: options.batchSize, wait: 0 },
      timeout: options.timeoutMs,
      retryCount: 3,
    }),
  });
  const request = client.request as unknown as RawRequest;
  let blockReceipts: boolean | undefined;

  /** Runs the calls in chunks so at most `concurrency` batches are in flight. */
  async function callAll<T>(calls: Array<{ method: string; params: unknown[] }>): Promise<T[]> {
    const chunk = options.batchSize * options.concurrency;
    const results: T[] = [];
    for (let start = 0; start < calls.length; start += chunk) {
      const part = calls.slice(start, start + chunk);
      const values = await Promise.all(part.map((call) => request(call) as Promise<T>));
      for (const value of values) results.push(value);
    }
    return results;
  }

  async function receiptsOf(blocks: RpcBlock[]): Promise<RpcReceipt[][]> {
    if (blockReceipts !== false) {
      try {
        const all = await callAll<RpcReceipt[] | null>(
          blocks.map((block) => ({ method: "eth_getBlockReceipts", params: [block.hash] })),
        );
        blockReceipts = true;
        return all.map((receipts) => receipts ?? []);
      } catch (error) {
        if (blockReceipts === true || !isUnsupported(error)) throw error;
        blockReceipts = false;
      }
    }
    const calls = blocks.flatMap((block) =>
      (block.transactions as Array<{ hash: Hex }>).map((tx) => ({
        method: "eth_getTransactionReceipt",
        params: [tx.hash],
      })),
    );
    const flat = await callAll<RpcReceipt | null>(calls);
    const out: RpcReceipt[][] = [];
    let next = 0;
    for (const block of blocks) {
      const receipts: RpcReceipt[] = [];
      for (let i = 0; i < block.transactions.length; i++) {
        const receipt = flat[next++];
        if (receipt !== null && receipt !== undefined) receipts.push(receipt);
      }
      out.push(receipts);
    }
    return out;
  }

  return {
    async chainId() {
      return Number.parseInt((await request({ method: "eth_chainId", params: [] })) as string, 16);
    },
    async headNumber() {
      return Number.parseInt(
        (await request({ method: "eth_blockNumber", params: [] })) as string,
        16,
      );
    },
    async header(number) {
      const block = (await request({
        method: "eth_getBlockByNumber",
        params: [hexNumber(number), false],
      })) as RpcBlock | null;
      if (block === null) return undefined;
      return {
        number,
        hash: block.hash.toLowerCase(),
        parentHash: block.parentHash.toLowerCase(),
      };
    },
    async fetchBlocks(from, to) {
      const numbers: number[] = [];
      for (let n = from; n <= to; n++) numbers.push(n);
      const blocks = await callAll<RpcBlock | null>(
        numbers.map((n) => ({ method: "eth_getBlockByNumber", params: [hexNumber(n), true] })),
      );
      const present: RpcBlock[] = [];
      for (const [i, block] of blocks.entries()) {
        if (block === null) {
          throw new CryptoKubeError(`block ${numbers[i]} is not on the chain (yet)`, {
            code: "INDEXER_CHAIN_MOVED",
            retryable: true,
          });
        }
        present.push(block);
      }
      const receipts = await receiptsOf(present);
      const data = present.map((block, i) => toBlockData(block, receipts[i] ?? []));
      for (let i = 1; i < data.length; i++) {
        if (data[i]!.block.parent_hash !== data[i - 1]!.block.hash) {
          throw new CryptoKubeError(`blocks ${from}..${to} changed while being read`, {
            code: "INDEXER_CHAIN_MOVED",
            retryable: true,
          });
        }
      }
      return data;
    },
  };
}

function isUnsupported(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (code === -32601 || code === -32004) return true;
    if (/not supported|not found|does not exist|not available|unsupported/i.test(e.message)) {
      return true;
    }
  }
  return false;
}
