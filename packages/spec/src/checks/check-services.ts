/** Platform services that name chains must name defined Ethereum chains. */
import { oneOf } from "../describe-value.ts";
import { didYouMean } from "../did-you-mean.ts";
import type { PathSegment } from "../path.ts";
import type { Problem } from "../problem.ts";
import { asRecord, entriesOf, ethereumChains, has, type RawRecord } from "./raw.ts";

export function checkServices(stack: RawRecord): Problem[] {
  const services = asRecord(stack.services);
  if (services === undefined) return [];
  const problems: Problem[] = [];
  for (const service of ["indexer", "wallet"] as const) {
    if (!has(services, service)) continue;
    const chain = asRecord(services[service])?.chain;
    if (typeof chain === "string") {
      problems.push(...checkChainName(stack, ["services", service, "chain"], chain, service));
    } else if (chain === undefined) {
      problems.push(...checkDefaultChain(stack, service));
    }
  }
  const gatewayChains = asRecord(services.gateway)?.chains;
  if (Array.isArray(gatewayChains)) {
    gatewayChains.forEach((chain, index) => {
      if (typeof chain !== "string") return;
      problems.push(
        ...checkChainName(stack, ["services", "gateway", "chains", index], chain, "gateway"),
      );
    });
  }
  return problems;
}

function checkChainName(
  stack: RawRecord,
  path: PathSegment[],
  chain: string,
  service: string,
): Problem[] {
  const ethereum = ethereumChains(stack);
  const expected = ethereum.length > 0 ? oneOf(ethereum) : "an Ethereum chain";
  const declared = entriesOf(stack.chains);
  const entry = declared.find(([name]) => name === chain);
  if (entry === undefined) {
    return [
      {
        path,
        message: `refers to chain '${chain}', which is not defined in chains`,
        expected,
        found: chain,
        suggestion: didYouMean(chain, ethereum),
      },
    ];
  }
  const type = asRecord(entry[1])?.type;
  if (type === "ethereum" || typeof type !== "string") return [];
  return [
    {
      path,
      message: `chain '${chain}' is a ${type} chain, but the ${service} works with Ethereum chains only`,
      expected,
      found: `${chain} (${type})`,
      suggestion: ethereum.length === 1 ? `did you mean '${ethereum[0]}'?` : undefined,
    },
  ];
}

/** Without `chain`, the service uses the only Ethereum chain; there must be exactly one. */
function checkDefaultChain(stack: RawRecord, service: "indexer" | "wallet"): Problem[] {
  const ethereum = ethereumChains(stack);
  if (ethereum.length === 1) return [];
  const path = ["services", service];
  if (ethereum.length === 0) {
    return [
      {
        path,
        at: "key",
        message: `the ${service} needs an Ethereum chain, and the stack defines none`,
        expected: "an Ethereum chain under chains",
        found: "no Ethereum chain",
        suggestion: `add an Ethereum chain under chains, or remove services.${service}`,
      },
    ];
  }
  return [
    {
      path,
      at: "key",
      message: `the ${service} cannot pick a chain: the stack defines ${ethereum.length} Ethereum chains`,
      expected: `'chain' set to ${oneOf(ethereum)}`,
      found: "no chain",
      suggestion: `set 'chain: ${ethereum[0]}' under services.${service}`,
    },
  ];
}
