/**
 * Compiles contracts/CidRegistry.sol with solc-js (the Solidity compiler built to
 * WebAssembly, shipped in the `solc` npm package) into contracts/CidRegistry.json.
 * The artifact is committed so the app starts without compiling; a test checks it
 * still matches the source.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

export interface Artifact {
  contractName: string;
  compiler: string;
  abi: unknown[];
  bytecode: `0x${string}`;
}

const contractsDir = join(import.meta.dirname, "..", "contracts");

export function compileCidRegistry(): Artifact {
  // solc is CommonJS; createRequire keeps this module ESM.
  const solc = createRequire(import.meta.url)("solc") as {
    compile(input: string): string;
    version(): string;
  };
  const source = readFileSync(join(contractsDir, "CidRegistry.sol"), "utf8");
  const input = {
    language: "Solidity",
    sources: { "CidRegistry.sol": { content: source } },
    settings: {
      optimizer: { enabled: true, runs: 200 },
      evmVersion: "cancun",
      outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } },
    },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input))) as {
    errors?: { severity: string; formattedMessage: string }[];
    contracts: Record<
      string,
      Record<string, { abi: unknown[]; evm: { bytecode: { object: string } } }>
    >;
  };
  const errors = (output.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length > 0) throw new Error(errors.map((e) => e.formattedMessage).join("\n"));
  const contract = output.contracts["CidRegistry.sol"]?.CidRegistry;
  if (contract === undefined) throw new Error("solc produced no CidRegistry contract");
  return {
    contractName: "CidRegistry",
    compiler: `solc ${solc.version()}`,
    abi: contract.abi,
    bytecode: `0x${contract.evm.bytecode.object}`,
  };
}

if (import.meta.main) {
  const artifact = compileCidRegistry();
  writeFileSync(join(contractsDir, "CidRegistry.json"), `${JSON.stringify(artifact, null, 2)}\n`);
  process.stdout.write(`wrote contracts/CidRegistry.json (${artifact.compiler})\n`);
}
