/**
 * Process entry for the embedded devnet:
 *   node main.ts --host H --port P --chain-id N --block-time S --mnemonic M
 *                --accounts N --balance ETH --state-dir DIR [--fresh]
 * Prints the URLs, mnemonic and funded accounts (well-known devnet keys, as hardhat and
 * anvil do) on stdout, one per line; logs go to stderr (level from CRYPTOKUBE_LOG_LEVEL,
 * requests at debug). SIGTERM/SIGINT close gracefully (journal flushed) and exit 0.
 */
import { parseArgs } from "node:util";
import { CryptoKubeError } from "@cryptokube/core";
import { closeOnSignals } from "@cryptokube/core/service-main";
import pino from "pino";
import type { DevnetOptions } from "./options.ts";
import { startDevnet } from "./start-devnet.ts";

const USAGE = `usage: node main.ts [--host H] [--port P] [--chain-id N] [--block-time S] [--mnemonic M]
                    [--accounts N] [--balance ETH] [--state-dir DIR] [--fresh]`;

class UsageError extends Error {}

function parseFlags(argv: string[]): DevnetOptions {
  let values: ReturnType<typeof parse>["values"];
  try {
    values = parse(argv).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const options: DevnetOptions = {};
  if (values.host !== undefined) options.host = values.host;
  if (values.port !== undefined) options.port = toNumber("--port", values.port);
  if (values["chain-id"] !== undefined)
    options.chainId = toNumber("--chain-id", values["chain-id"]);
  if (values["block-time"] !== undefined) {
    options.blockTime = toNumber("--block-time", values["block-time"]);
  }
  if (values.mnemonic !== undefined) options.mnemonic = values.mnemonic;
  if (values.accounts !== undefined) options.accounts = toNumber("--accounts", values.accounts);
  if (values.balance !== undefined) options.balanceEth = toNumber("--balance", values.balance);
  if (values["state-dir"] !== undefined) options.stateDir = values["state-dir"];
  if (values.fresh === true) options.fresh = true;
  return options;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      host: { type: "string" },
      port: { type: "string" },
      "chain-id": { type: "string" },
      "block-time": { type: "string" },
      mnemonic: { type: "string" },
      accounts: { type: "string" },
      balance: { type: "string" },
      "state-dir": { type: "string" },
      fresh: { type: "boolean" },
    },
  });
}

function toNumber(flag: string, text: string): number {
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value)) {
    throw new UsageError(`${flag} expects a number, got "${text}"`);
  }
  return value;
}

async function main(): Promise<void> {
  let options: DevnetOptions;
  try {
    options = parseFlags(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`devnet: ${error.message}\n${USAGE}\n`);
    process.exit(2);
  }
  const logger = pino(
    { name: "devnet", level: process.env.CRYPTOKUBE_LOG_LEVEL ?? "info" },
    pino.destination({ fd: 2, sync: true }),
  );
  let devnet: Awaited<ReturnType<typeof startDevnet>>;
  try {
    devnet = await startDevnet({ ...options, logger });
  } catch (error) {
    if (error instanceof CryptoKubeError) {
      process.stderr.write(
        `devnet: ${error.message}\n${error.hint ? `hint: ${error.hint}\n` : ""}`,
      );
      process.exit(error.code === "DEVNET_INVALID_OPTION" ? 2 : 1);
    }
    throw error;
  }
  const balance = options.balanceEth ?? 10000;
  const lines = [
    `HTTP JSON-RPC: ${devnet.url}`,
    `WebSocket JSON-RPC: ${devnet.wsUrl}`,
    `Chain ID: ${devnet.chainId}`,
    `Mnemonic: ${options.mnemonic ?? "test test test test test test test test test test test junk"}`,
    ...devnet.accounts.map(
      (account, index) =>
        `Account #${index}: ${account.address} (${balance} ETH) private key ${account.privateKey}`,
    ),
  ];
  process.stdout.write(`${lines.join("\n")}\n`);

  closeOnSignals("devnet", devnet, logger);
}

await main();
