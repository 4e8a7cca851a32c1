import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { CryptoKubeError } from "@cryptokube/core";
import { pino } from "pino";
import { parseDashboardConfigJson } from "./config/parse-config.ts";
import { createDashboard } from "./create-dashboard.ts";

/**
 * Process entry: `node main.ts --config-json '<JSON>'` or `--config <file>`, optional
 * `--log-level`. Logs JSON lines to stdout; exits 2 on bad usage or config, 0 after SIGTERM.
 * The config is never logged: it holds the devnet mnemonic.
 */
const USAGE =
  "usage: node packages/dashboard/src/main.ts (--config-json '<JSON>' | --config <file>) [--log-level info]";

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
  const logger = pino({ level: values["log-level"] ?? "info", base: { component: "dashboard" } });
  let dashboard: ReturnType<typeof createDashboard>;
  try {
    const text = inline ?? (await readFile(String(file), "utf8"));
    const config = parseDashboardConfigJson(
      text,
      inline === undefined ? String(file) : "--config-json",
    );
    const componentName = process.env.CRYPTOKUBE_COMPONENT;
    dashboard = createDashboard(config, {
      logger,
      ...(componentName === undefined ? {} : { componentName }),
    });
  } catch (error) {
    return usageError(
      error instanceof CryptoKubeError || error instanceof Error ? error.message : String(error),
    );
  }
  try {
    await dashboard.listen();
  } catch (error) {
    // Typically the port is taken; say which one instead of dumping a stack.
    process.stderr.write(`dashboard: cannot listen: ${(error as Error).message}\n`);
    await dashboard.close();
    process.exitCode = 1;
    return;
  }
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, "dashboard shutting down");
    void dashboard.close().then(() => process.exit(0));
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

function usageError(message: string): void {
  process.stderr.write(`dashboard: ${message}\n${USAGE}\n`);
  process.exitCode = 2;
}

await main();
