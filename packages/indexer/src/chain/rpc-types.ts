/** JSON-RPC shapes as Ethereum nodes send them (quantities as 0x hex), the fields we use. */
export type Hex = `0x${string}`;

export interface RpcLog {
  address: Hex;
  topics: Hex[];
  data: Hex;
  logIndex: Hex;
  transactionHash: Hex;
  transactionIndex: Hex;
  blockHash: Hex;
  blockNumber: Hex;
}

export interface RpcTransaction {
  hash: Hex;
  transactionIndex: Hex;
  from: Hex;
  to: Hex | null;
  value: Hex;
  input: Hex;
  nonce: Hex;
  gas: Hex;
  gasPrice?: Hex;
  type?: Hex;
}

export interface RpcBlock {
  number: Hex;
  hash: Hex;
  parentHash: Hex;
  timestamp: Hex;
  miner: Hex;
  gasUsed: Hex;
  gasLimit: Hex;
  baseFeePerGas?: Hex;
  transactions: RpcTransaction[] | Hex[];
}

export interface RpcReceipt {
  transactionHash: Hex;
  blockHash: Hex;
  status?: Hex;
  gasUsed: Hex;
  cumulativeGasUsed: Hex;
  effectiveGasPrice?: Hex;
  contractAddress: Hex | null;
  logs: RpcLog[];
}
