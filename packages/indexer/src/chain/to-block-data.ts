import { CryptoKubeError } from "@cryptokube/core";
import type { BlockData, LogRow, TransactionRow } from "./block-data.ts";
import type { RpcBlock, RpcReceipt, RpcTransaction } from "./rpc-types.ts";

const quantity = (hex: string): number => Number.parseInt(hex, 16);
const decimal = (hex: string): string => BigInt(hex).toString();
const optionalDecimal = (hex: string | undefined | null): string | null =>
  hex === undefined || hex === null ? null : decimal(hex);

/**
 * Joins a block (with full transactions) and its receipts into rows. Throws a retryable error
 * when a receipt belongs to another block hash: the chain reorganized between the two reads.
 */
export function toBlockData(block: RpcBlock, receipts: RpcReceipt[]): BlockData {
  const blockHash = block.hash.toLowerCase();
  const number = quantity(block.number);
  const byHash = new Map<string, RpcReceipt>();
  for (const receipt of receipts) byHash.set(receipt.transactionHash.toLowerCase(), receipt);
  const transactions: TransactionRow[] = [];
  const logs: LogRow[] = [];
  for (const item of block.transactions) {
    if (typeof item === "string") {
      throw new CryptoKubeError(`block ${number} came without full transactions`, {
        code: "INDEXER_RPC_SHAPE",
        hint: "the node must support eth_getBlockByNumber(n, true)",
      });
    }
    const tx = item as RpcTransaction;
    const hash = tx.hash.toLowerCase();
    const receipt = byHash.get(hash);
    if (receipt === undefined || receipt.blockHash.toLowerCase() !== blockHash) {
      throw new CryptoKubeError(`receipt of ${hash} is missing or from another block`, {
        code: "INDEXER_CHAIN_MOVED",
        retryable: true,
        details: `block ${number} ${blockHash}`,
      });
    }
    const txIndex = quantity(tx.transactionIndex);
    transactions.push({
      hash,
      block_number: number,
      block_hash: blockHash,
      tx_index: txIndex,
      from_address: tx.from.toLowerCase(),
      to_address: tx.to === null ? null : tx.to.toLowerCase(),
      value: decimal(tx.value),
      input: tx.input.toLowerCase(),
      nonce: quantity(tx.nonce),
      gas: decimal(tx.gas),
      gas_price: optionalDecimal(tx.gasPrice),
      type: tx.type === undefined ? null : quantity(tx.type),
      status: receipt.status === undefined ? null : quantity(receipt.status),
      gas_used: decimal(receipt.gasUsed),
      cumulative_gas_used: decimal(receipt.cumulativeGasUsed),
      effective_gas_price: optionalDecimal(receipt.effectiveGasPrice),
      contract_address:
        receipt.contractAddress === null ? null : receipt.contractAddress.toLowerCase(),
    });
    for (const log of receipt.logs) {
      const topics = log.topics.map((topic) => topic.toLowerCase());
      logs.push({
        block_number: number,
        log_index: quantity(log.logIndex),
        block_hash: blockHash,
        tx_hash: hash,
        tx_index: txIndex,
        address: log.address.toLowerCase(),
        topic0: topics[0] ?? null,
        topic1: topics[1] ?? null,
        topic2: topics[2] ?? null,
        topic3: topics[3] ?? null,
        data: log.data.toLowerCase(),
        contract: null,
        event: null,
        args: null,
      });
    }
  }
  return {
    block: {
      number,
      hash: blockHash,
      parent_hash: block.parentHash.toLowerCase(),
      timestamp: quantity(block.timestamp),
      miner: block.miner.toLowerCase(),
      gas_used: decimal(block.gasUsed),
      gas_limit: decimal(block.gasLimit),
      base_fee_per_gas: optionalDecimal(block.baseFeePerGas),
      tx_count: transactions.length,
    },
    transactions,
    logs,
  };
}
