import { type Devnet, startDevnet } from "@cryptokube/runtime/devnet";
import { type Address, encodeDeployData, encodeFunctionData, type Hex } from "viem";
import { tokenArtifact } from "./token.ts";

/** A devnet plus helpers that transact through its unlocked well-known accounts. */
export interface TestChain {
  devnet: Devnet;
  from: Address;
  send(tx: { to?: Address; data?: Hex; value?: bigint; from?: Address }): Promise<Hex>;
  receipt(hash: Hex): Promise<{ contractAddress: Address | null; status: Hex; blockNumber: Hex }>;
  deployToken(supply?: bigint): Promise<Address>;
  transfer(token: Address, to: Address, value: bigint): Promise<Hex>;
  transferMany(token: Address, to: Address[], value: bigint): Promise<Hex>;
  poke(token: Address, tag: bigint): Promise<Hex>;
  mine(blocks?: number): Promise<void>;
  head(): Promise<number>;
}

export async function startTestChain(options: { chainId?: number } = {}): Promise<TestChain> {
  const devnet = await startDevnet({ port: 0, chainId: options.chainId ?? 31337 });
  const from = devnet.accounts[0]!.address as Address;
  const { abi, bytecode } = tokenArtifact();
  const send: TestChain["send"] = async (tx) => {
    const params: Record<string, string> = { from: tx.from ?? from };
    if (tx.to !== undefined) params.to = tx.to;
    if (tx.data !== undefined) params.data = tx.data;
    if (tx.value !== undefined) params.value = `0x${tx.value.toString(16)}`;
    return (await devnet.request("eth_sendTransaction", [params])) as Hex;
  };
  const receipt: TestChain["receipt"] = async (hash) =>
    (await devnet.request("eth_getTransactionReceipt", [hash])) as Awaited<
      ReturnType<TestChain["receipt"]>
    >;
  const call = (token: Address, functionName: string, args: unknown[]) =>
    send({ to: token, data: encodeFunctionData({ abi, functionName, args } as never) });
  return {
    devnet,
    from,
    send,
    receipt,
    async deployToken(supply = 10n ** 30n) {
      const hash = await send({
        data: encodeDeployData({ abi, bytecode, args: [supply] } as never),
      });
      const r = await receipt(hash);
      if (r.contractAddress === null) throw new Error("token deployment failed");
      return r.contractAddress;
    },
    transfer: (token, to, value) => call(token, "transfer", [to, value]),
    transferMany: (token, to, value) => call(token, "transferMany", [to, value]),
    poke: (token, tag) => call(token, "poke", [tag]),
    async mine(blocks = 1) {
      // Not hardhat_mine: for larger counts EDR "reserves" blocks whose parentHash reads as
      // 0x00…0, which is not a chain an indexer can follow.
      for (let i = 0; i < blocks; i++) await devnet.request("evm_mine", []);
    },
    async head() {
      return Number.parseInt((await devnet.request("eth_blockNumber", [])) as string, 16);
    },
  };
}

/** Deterministic distinct recipient addresses. */
export function recipients(count: number, seed = 1): Address[] {
  return Array.from(
    { length: count },
    (_, i) => `0x${(seed * 1_000_003 + i + 1).toString(16).padStart(40, "0")}` as Address,
  );
}
