import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { Abi, Hex } from "viem";

export interface TokenArtifact {
  abi: Abi;
  bytecode: Hex;
}

let compiled: TokenArtifact | undefined;

/** Compiles Token.sol with solc-js (the npm `solc` package) once per process. */
export function tokenArtifact(): TokenArtifact {
  if (compiled !== undefined) return compiled;
  // solc is CommonJS; createRequire keeps this module ESM.
  const solc = createRequire(import.meta.url)("solc") as { compile(input: string): string };
  const input = {
    language: "Solidity",
    sources: {
      "Token.sol": { content: readFileSync(join(import.meta.dirname, "Token.sol"), "utf8") },
    },
    settings: {
      optimizer: { enabled: true, runs: 200 },
      evmVersion: "cancun",
      outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } },
    },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input))) as {
    errors?: Array<{ severity: string; formattedMessage: string }>;
    contracts: Record<string, Record<string, { abi: Abi; evm: { bytecode: { object: string } } }>>;
  };
  const errors = (output.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length > 0) throw new Error(errors.map((e) => e.formattedMessage).join("\n"));
  const token = output.contracts["Token.sol"]?.Token;
  if (token === undefined) throw new Error("solc produced no Token contract");
  compiled = { abi: token.abi, bytecode: `0x${token.evm.bytecode.object}` };
  return compiled;
}

/** The token ABI without the Mystery event: its logs must stay raw (unknown signature). */
export function tokenAbiWithoutMystery(): Abi {
  return tokenArtifact().abi.filter((item) => !(item.type === "event" && item.name === "Mystery"));
}
