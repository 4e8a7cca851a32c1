import type { ChainConfig } from "../config/schema.ts";
import type { ChainAdapter } from "./chain-adapter.ts";
import { createEthereumAdapter } from "./ethereum/create-ethereum-adapter.ts";

/** Adding a chain type means adding an adapter here (and its literal to the config schema). */
const adapterFactories: Record<ChainConfig["type"], () => ChainAdapter> = {
  ethereum: createEthereumAdapter,
};

export function createChainAdapter(type: ChainConfig["type"]): ChainAdapter {
  return adapterFactories[type]();
}
