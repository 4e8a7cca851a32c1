/**
 * The contracts the indexer knows (name, address, ABI), cached for a few
 * seconds: every explorer and wallet page asks, and registrations are rare.
 */
import type { IndexerClient, RegisteredContract } from "./indexer-client.ts";

export interface ContractRegistry {
  list(): Promise<RegisteredContract[]>;
  byAddress(address: string | null | undefined): Promise<RegisteredContract | undefined>;
}

export function createContractRegistry(
  indexer: IndexerClient | undefined,
  ttlMs = 3000,
): ContractRegistry {
  let cached: { at: number; contracts: RegisteredContract[] } | undefined;
  async function list(): Promise<RegisteredContract[]> {
    if (indexer === undefined) return [];
    if (cached !== undefined && Date.now() - cached.at < ttlMs) return cached.contracts;
    try {
      cached = { at: Date.now(), contracts: await indexer.contracts() };
    } catch {
      // An unreachable indexer means "nothing decodable", which every page already shows.
      return cached?.contracts ?? [];
    }
    return cached.contracts;
  }
  return {
    list,
    async byAddress(address) {
      if (address === null || address === undefined) return undefined;
      const wanted = address.toLowerCase();
      return (await list()).find((c) => c.address.toLowerCase() === wanted);
    },
  };
}
