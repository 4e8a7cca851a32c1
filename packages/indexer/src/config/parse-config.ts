import { CryptoKubeError } from "@cryptokube/core";
import type { z } from "zod";
import { type IndexerConfig, type IndexerConfigInput, indexerConfigSchema } from "./schema.ts";

/** Validates a config object; throws a CryptoKubeError naming every problem by path. */
export function parseIndexerConfig(input: IndexerConfigInput | IndexerConfig): IndexerConfig {
  const result = indexerConfigSchema.safeParse(input);
  if (result.success) return result.data;
  throw configError("indexer config", result.error);
}

/** Parses `--config-json` text (or a file's content); `where` names it in errors. */
export function parseIndexerConfigJson(text: string, where: string): IndexerConfig {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CryptoKubeError(`${where}: not valid JSON: ${(error as Error).message}`, {
      code: "INDEXER_CONFIG_INVALID",
      hint: "pass the config as one JSON object",
    });
  }
  const result = indexerConfigSchema.safeParse(value);
  if (result.success) return result.data;
  throw configError(where, result.error);
}

function configError(where: string, error: z.ZodError): CryptoKubeError {
  const lines = error.issues.map(
    (issue) => `  ${issue.path.join(".") || "(root)"}: ${issue.message}`,
  );
  return new CryptoKubeError(`${where} is invalid:\n${lines.join("\n")}`, {
    code: "INDEXER_CONFIG_INVALID",
    hint: "fix the listed fields; the planner normally generates this config",
  });
}
