/**
 * The process entry shared by our services (gateway, indexer, dashboard):
 * `node main.ts (--config-json '<JSON>' | --config <file>) [--log-level info]`.
 * JSON log lines on stdout; exit 2 on bad usage or config, 1 when the service
 * cannot start (a port taken, a database that will not open), 0 after SIGTERM/SIGINT.
 * The config is never logged: it may hold secrets (the devnet mnemonic).
 */
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { type Logger, pino } from "pino";
import { CryptoKubeError } from "./errors.ts";

export interface Service {
  close(): Promise<void>;
}

export interface ServiceMainOptions<S extends Service> {
  /** Component name: log field, message prefix, usage line. */
  name: string;
  /** Parses the config text (`source` names where it came from) and builds the service; throws on bad config. */
  create(text: string, source: string, logger: Logger): S;
  /** Starts serving; a throw is reported as "cannot start". */
  start(service: S): Promise<unknown>;
}

export async function runServiceMain<S extends Service>(
  options: ServiceMainOptions<S>,
): Promise<void> {
  const { name } = options;
  const usage = `usage: ${name} (--config-json '<JSON>' | --config <file>) [--log-level info]`;
  const usageError = (message: string): void => {
    process.stderr.write(`${name}: ${message}\n${usage}\n`);
    process.exitCode = 2;
  };
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
  const logger = pino({ level: values["log-level"] ?? "info", base: { component: name } });
  let service: S;
  try {
    const text = inline ?? (await readFile(file as string, "utf8"));
    service = options.create(
      text,
      inline === undefined ? (file as string) : "--config-json",
      logger,
    );
  } catch (error) {
    return usageError(error instanceof Error ? error.message : String(error));
  }
  try {
    await options.start(service);
  } catch (error) {
    const hint = error instanceof CryptoKubeError && error.hint ? ` (${error.hint})` : "";
    process.stderr.write(`${name}: cannot start: ${(error as Error).message}${hint}\n`);
    await service.close().catch(() => {});
    process.exitCode = 1;
    return;
  }
  closeOnSignals(name, service, logger);
}

/**
 * SIGTERM or SIGINT closes `service` and exits 0 (1 when it did not close cleanly); a second
 * signal exits 1 at once: the user insists.
 */
export function closeOnSignals(name: string, service: Service, logger: Logger): void {
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) process.exit(1);
    closing = true;
    logger.info({ signal }, `${name} shutting down`);
    service.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, `${name} did not close cleanly`);
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}
