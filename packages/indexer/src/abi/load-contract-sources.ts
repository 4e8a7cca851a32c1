import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Logger } from "pino";
import type { IndexerConfig } from "../config/schema.ts";
import type { ContractService } from "./contract-service.ts";

/**
 * Registers the contracts of the config. `abi` is JSON text, or a path (relative to the stack
 * dir, the process's working directory) to an ABI or artifact JSON file. A bad entry is
 * logged and skipped; the others still register.
 */
export async function registerConfigContracts(
  contracts: IndexerConfig["contracts"],
  service: ContractService,
  logger: Logger,
  baseDir = process.cwd(),
): Promise<number> {
  let count = 0;
  for (const [i, contract] of contracts.entries()) {
    const where = `config.contracts[${i}]`;
    try {
      const text = contract.abi.trimStart();
      const abi =
        text.startsWith("[") || text.startsWith("{")
          ? text
          : readFileSync(resolve(baseDir, contract.abi), "utf8");
      await service.register({ ...contract, abi }, "config", where);
      count++;
    } catch (error) {
      logger.error({ err: error, contract: contract.name }, `${where} not registered`);
    }
  }
  return count;
}

/**
 * Watches a deploy-artifacts directory (`*.json` files of `{name, address, abi}`) by polling
 * modification times: a new or changed file registers its contract; a bad one is logged once
 * per version and skipped.
 */
export function createArtifactScanner(ctx: {
  dir: string;
  service: ContractService;
  logger: Logger;
}): { scan(): Promise<number> } {
  const seen = new Map<string, number>();
  return {
    async scan() {
      let files: string[];
      try {
        files = readdirSync(ctx.dir).filter((file) => file.endsWith(".json"));
      } catch {
        return 0;
      }
      let registered = 0;
      for (const file of files.sort()) {
        const path = join(ctx.dir, file);
        let mtime: number;
        try {
          mtime = statSync(path).mtimeMs;
        } catch {
          continue;
        }
        if (seen.get(path) === mtime) continue;
        seen.set(path, mtime);
        try {
          const artifact = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
          await ctx.service.register(
            {
              name: artifact.name ?? artifact.contractName,
              address: artifact.address,
              abi: artifact.abi,
            },
            "artifact",
            file,
          );
          registered++;
        } catch (error) {
          ctx.logger.error({ err: error, file: path }, "deploy artifact not registered");
        }
      }
      return registered;
    },
  };
}
