/** Settings that only make sense on a devnet, or only on a public network. */
import { VALUE_NOT_SHOWN } from "../describe-value.ts";
import type { Problem } from "../problem.ts";
import { asRecord, entriesOf, type RawRecord } from "./raw.ts";

const DEVNET_ONLY = ["chainId", "blockTime", "mnemonic", "accounts", "balance"] as const;
const PUBLIC_NETWORKS = new Set(["sepolia", "hoodi", "mainnet"]);

export function checkChains(stack: RawRecord): Problem[] {
  const problems: Problem[] = [];
  for (const [name, value] of entriesOf(stack.chains)) {
    const chain = asRecord(value);
    if (chain?.type !== "ethereum") continue;
    const network = chain.network ?? "devnet";
    if (network === "devnet") {
      const consensus = chain.consensus;
      if (consensus === "lighthouse" || consensus === "teku") {
        problems.push({
          path: ["chains", name, "consensus"],
          message: `a devnet has no consensus client, so '${consensus}' cannot run on chain '${name}'`,
          expected: '"auto" | "none"',
          found: consensus,
          suggestion: "remove consensus, or set network to a public network such as sepolia",
        });
      }
    } else if (typeof network === "string" && PUBLIC_NETWORKS.has(network)) {
      for (const field of DEVNET_ONLY) {
        if (!Object.hasOwn(chain, field)) continue;
        problems.push({
          path: ["chains", name, field],
          at: "key",
          message: `'${field}' applies only to devnets, and chain '${name}' is on ${network}`,
          expected: `no ${field} on ${network}`,
          // A mnemonic on a public network may belong to a real wallet: never echo it.
          found: field === "mnemonic" ? VALUE_NOT_SHOWN : `${field} is set`,
          suggestion: `remove ${field}, or set 'network: devnet'`,
        });
      }
      if (chain.client === "edr") {
        problems.push({
          path: ["chains", name, "client"],
          message: `the edr client runs only a devnet, and chain '${name}' is on ${network}`,
          expected: '"auto" | "geth" | "reth"',
          found: "edr",
          suggestion: "use 'client: geth' (or auto)",
        });
      }
    }
  }
  return problems;
}
