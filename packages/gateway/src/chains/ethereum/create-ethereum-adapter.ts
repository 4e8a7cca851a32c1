import type { ChainAdapter } from "../chain-adapter.ts";
import { parseQuantity } from "./block-ref.ts";
import { classifyEthereumError } from "./classify-error.ts";
import { ethereumFilters } from "./filters.ts";
import { ethereumMethodRules, plainMethods } from "./method-rules.ts";
import { planEthereumRequest } from "./plan-request.ts";
import { ethereumSubscriptions } from "./subscriptions.ts";

/** The Ethereum JSON-RPC adapter (execution clients: geth, reth, EDR, anvil…). */
export function createEthereumAdapter(): ChainAdapter {
  return {
    type: "ethereum",
    formatChainId: (configured) => `0x${configured.toString(16)}`,
    async probeChainId(call) {
      const id = parseQuantity(await call("eth_chainId", []));
      if (id === undefined) throw new Error("eth_chainId did not return a hex quantity");
      return `0x${id.toString(16)}`;
    },
    async probeHead(call) {
      const head = parseQuantity(await call("eth_blockNumber", []));
      if (head === undefined) throw new Error("eth_blockNumber did not return a hex quantity");
      return head;
    },
    async probeGenesis(call) {
      const block = await call("eth_getBlockByNumber", ["0x0", false]);
      const hash = (block as { hash?: unknown } | null)?.hash;
      if (typeof hash !== "string") throw new Error("eth_getBlockByNumber 0x0 gave no block hash");
      return hash.toLowerCase();
    },
    refuseMethod(method) {
      const rule = ethereumMethodRules.get(method);
      if (rule?.kind === "refused") return rule.reason;
      if (rule === undefined && !plainMethods.has(method)) {
        return `the method ${JSON.stringify(method.slice(0, 64))} does not exist or is not served by the gateway`;
      }
      return undefined;
    },
    methodLabel: (method) =>
      ethereumMethodRules.has(method) || plainMethods.has(method) ? method : "other",
    planRequest: planEthereumRequest,
    classifyError: classifyEthereumError,
    subscriptions: ethereumSubscriptions,
    filters: ethereumFilters,
  };
}
