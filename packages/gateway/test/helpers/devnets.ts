import type { TestContext } from "node:test";
import { type Devnet, type DevnetOptions, startDevnet } from "@cryptokube/runtime/devnet";
import type { Hex } from "viem";

/** Starts devnets that are closed when the test ends (also when it fails). */
export async function startDevnets(
  t: TestContext,
  count: number,
  options: DevnetOptions = {},
): Promise<Devnet[]> {
  // One genesis time for all: devnets started in different seconds would otherwise differ
  // in every block hash, which is two chains, not one chain's nodes.
  const genesisTime = Math.floor(Date.now() / 1000);
  const devnets = await Promise.all(
    Array.from({ length: count }, () => startDevnet({ port: 0, genesisTime, ...options })),
  );
  t.after(() => Promise.all(devnets.map((d) => d.close().catch(() => {}))));
  return devnets;
}

export async function blockNumber(devnet: Devnet): Promise<number> {
  return Number(await devnet.request("eth_blockNumber", []));
}

/** The genesis time a devnet was started with: another node of its chain must use it too. */
export async function genesisTimeOf(devnet: Devnet): Promise<number> {
  const block = (await devnet.request("eth_getBlockByNumber", ["0x0", false])) as {
    timestamp: Hex;
  };
  return Number(block.timestamp);
}

async function latestTimestamp(devnet: Devnet): Promise<number> {
  const block = (await devnet.request("eth_getBlockByNumber", ["latest", false])) as {
    timestamp: Hex;
  };
  return Number(block.timestamp);
}

/** The latest timestamp among the devnets: a devnet refuses a next block that is not after it. */
async function latestTimestampOfAll(devnets: readonly Devnet[]): Promise<number> {
  return Math.max(...(await Promise.all(devnets.map(latestTimestamp))));
}

/**
 * Mines `count` blocks on every devnet with pinned timestamps, so devnets with the same history
 * produce identical blocks (same hashes), as real nodes of one chain would.
 */
export async function mineInLockstep(devnets: readonly Devnet[], count: number): Promise<void> {
  if (devnets.length === 0) return;
  let timestamp = await latestTimestampOfAll(devnets);
  for (let i = 0; i < count; i++) {
    timestamp += 1;
    await Promise.all(devnets.map((d) => d.request("evm_mine", [timestamp])));
  }
}

/** Sends the same signed transaction to every devnet, mined at the same timestamp everywhere. */
export async function sendRawToAll(devnets: readonly Devnet[], raw: Hex): Promise<Hex> {
  const timestamp = (await latestTimestampOfAll(devnets)) + 1;
  const hashes = await Promise.all(
    devnets.map(async (d) => {
      await d.request("evm_setNextBlockTimestamp", [timestamp]);
      return (await d.request("eth_sendRawTransaction", [raw])) as Hex;
    }),
  );
  return hashes[0]!;
}
