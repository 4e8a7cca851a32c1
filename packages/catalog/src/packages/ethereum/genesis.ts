/**
 * Genesis for geth/reth devnets, so a devnet has the stack's chain id and
 * funded accounts on every target (the in-process devnet takes them as flags).
 * Forks are active from block 0 through Cancun: Prague would also need its
 * system-contract predeploys in the allocation.
 */
import { deriveAccounts, etherToWei } from "@cryptokube/core/eth";

export interface DevnetFunding {
  chainId: number;
  mnemonic: string;
  accounts: number;
  /** ETH per account. */
  balance: number;
}

/** Cancun blob parameters (EIP-4844 / EIP-7840). */
const CANCUN_BLOBS = { target: 3, max: 6, baseFeeUpdateFraction: 3338477 };

export function devnetGenesis(funding: DevnetFunding): Record<string, unknown> {
  const wei = `0x${etherToWei(funding.balance).toString(16)}`;
  const alloc: Record<string, { balance: string }> = {};
  for (const { address } of deriveAccounts(funding.mnemonic, funding.accounts)) {
    alloc[address.toLowerCase()] = { balance: wei };
  }
  return {
    config: {
      chainId: funding.chainId,
      homesteadBlock: 0,
      eip150Block: 0,
      eip155Block: 0,
      eip158Block: 0,
      byzantiumBlock: 0,
      constantinopleBlock: 0,
      petersburgBlock: 0,
      istanbulBlock: 0,
      muirGlacierBlock: 0,
      berlinBlock: 0,
      londonBlock: 0,
      arrowGlacierBlock: 0,
      grayGlacierBlock: 0,
      mergeNetsplitBlock: 0,
      shanghaiTime: 0,
      cancunTime: 0,
      terminalTotalDifficulty: 0,
      blobSchedule: { cancun: CANCUN_BLOBS },
    },
    nonce: "0x0",
    timestamp: "0x0",
    extraData: "0x",
    gasLimit: "0x1c9c380",
    difficulty: "0x0",
    baseFeePerGas: "0x3b9aca00",
    mixHash: `0x${"0".repeat(64)}`,
    coinbase: `0x${"0".repeat(40)}`,
    alloc,
  };
}
