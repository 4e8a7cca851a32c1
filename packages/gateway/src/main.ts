import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { CryptoKubeError } from "@cryptokube/core";
import { pino } from "pino";
import { parseGatewayConfigJson } from "./config/parse-config.ts";
import { createGateway } from "./create-gateway.ts";

/**
 * Process entry: `node main.ts --config-json '<JSON>'` or `--config <file>`, optional
 * `--log-level`. Logs JSON lines to stdout; exits 2 on bad usage or config, 0 after SIGTERM.
 */
const USAGE =
  "usage: node packages/gateway/src/main.ts (--config-json '<JSON>' | --config <file>) [--log-level info]";

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
  const logger = pino({ level: values["log-level"] ?? "info", base: { component: "gateway" } });
  let gateway: ReturnType<typeof createGateway>;
  try {
    const text = inline ?? (await readFile(file!, "utf8"));
    const config = parseGatewayConfigJson(text, inline === undefined ? file! : "--config-json");
    gateway = createGateway(config, { logger });
  } catch (error) {
    return usageError(
      error instanceof CryptoKubeError || error instanceof Error ? error.message : String(error),
    );
  }
  try {
    await gateway.listen();
  } catch (error) {
    // Typically the port is taken; say which one instead of dumping a stack.
    process.stderr.write(`gateway: cannot listen: ${(error as Error).message}\n`);
    await gateway.close();
    process.exitCode = 1;
    return;
  }
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, "gateway shutting down");
    void gateway.close().then(() => process.exit(0));
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

function usageError(message: string): void {
  process.stderr.write(`gateway: ${message}\n${USAGE}\n`);
  process.exitCode = 2;
}

await main();
