import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { CryptoKubeError } from "@cryptokube/core";
import { pino } from "pino";
import { parseIndexerConfigJson } from "./config/parse-config.ts";
import { createIndexer, type Indexer } from "./create-indexer.ts";

/**
 * Process entry: `node main.ts --config-json '<JSON>'` or `--config <file>`, optional
 * `--log-level`. Logs JSON lines to stdout; exits 2 on bad usage or config, 1 when the
 * database cannot be opened or the port is taken, 0 after SIGTERM.
 */
const USAGE =
  "usage: node packages/indexer/src/main.ts (--config-json '<JSON>' | --config <file>) [--log-level info]";

async function main(): Promise<void> {
  let values: { "config-json"?: string; config?: string; "log-level"?: string };
  try {
    ({ values } = parseArgs({
      options: {
        "config-json": { type: "string" },
        config: { type: "string" },
        "log-level": { type: "string", default: "info" },
      },
      strict: true,
    }));
  } catch (error) {
    return usageError((error as Error).message);
  }
  const inline = values["config-json"];
  const file = values.config;
  if ((inline === undefined) === (file === undefined)) {
    return usageError("give exactly one of --config-json and --config");
  }
  const logger = pino({ level: values["log-level"] ?? "info", base: { component: "indexer" } });
  let indexer: Indexer;
  try {
    const text = inline ?? (await readFile(file!, "utf8"));
    const config = parseIndexerConfigJson(text, inline === undefined ? file! : "--config-json");
    indexer = createIndexer(config, { logger });
  } catch (error) {
    return usageError(error instanceof Error ? error.message : String(error));
  }
  try {
    await indexer.start();
  } catch (error) {
    const hint = error instanceof CryptoKubeError && error.hint ? ` (${error.hint})` : "";
    process.stderr.write(`indexer: cannot start: ${(error as Error).message}${hint}\n`);
    await indexer.close().catch(() => {});
    process.exitCode = 1;
    return;
  }
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, "indexer shutting down");
    void indexer.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, "unclean shutdown");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

function usageError(message: string): void {
  process.stderr.write(`indexer: ${message}\n${USAGE}\n`);
  process.exitCode = 2;
}

await main();
