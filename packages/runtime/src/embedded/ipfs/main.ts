/**
 * Process entry for the embedded IPFS node:
 *   node main.ts --host H --api-port P --gateway-port Q --repo DIR
 * Prints the URLs on stdout, one per line; logs go to stderr (level from
 * CRYPTOKUBE_LOG_LEVEL). SIGTERM/SIGINT close the node and exit 0.
 */
import { parseArgs } from "node:util";
import { CryptoKubeError } from "@cryptokube/core";
import { closeOnSignals } from "@cryptokube/core/service-main";
import pino from "pino";
import { type IpfsNode, type IpfsNodeOptions, startIpfsNode } from "./start-ipfs-node.ts";

const USAGE = "usage: node main.ts --repo DIR [--host H] [--api-port P] [--gateway-port Q]";

function parseFlags(argv: string[]): IpfsNodeOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      host: { type: "string" },
      "api-port": { type: "string" },
      "gateway-port": { type: "string" },
      repo: { type: "string" },
    },
  });
  if (values.repo === undefined || values.repo === "") throw new Error("--repo DIR is required");
  const options: IpfsNodeOptions = { repo: values.repo };
  if (values.host !== undefined) options.host = values.host;
  if (values["api-port"] !== undefined) options.apiPort = toPort("--api-port", values["api-port"]);
  if (values["gateway-port"] !== undefined) {
    options.gatewayPort = toPort("--gateway-port", values["gateway-port"]);
  }
  return options;
}

function toPort(flag: string, text: string): number {
  const port = Number(text);
  if (text.trim() === "" || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`${flag} expects a port number from 0 to 65535, got "${text}"`);
  }
  return port;
}

async function main(): Promise<void> {
  let options: IpfsNodeOptions;
  try {
    options = parseFlags(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`ipfs: ${error instanceof Error ? error.message : error}\n${USAGE}\n`);
    process.exit(2);
  }
  const logger = pino(
    { name: "ipfs", level: process.env.CRYPTOKUBE_LOG_LEVEL ?? "info" },
    pino.destination({ fd: 2, sync: true }),
  );
  let node: IpfsNode;
  try {
    node = await startIpfsNode({ ...options, logger });
  } catch (error) {
    if (error instanceof CryptoKubeError) {
      process.stderr.write(`ipfs: ${error.message}\n${error.hint ? `hint: ${error.hint}\n` : ""}`);
      process.exit(1);
    }
    throw error;
  }
  process.stdout.write(`RPC API: ${node.apiUrl}/api/v0\nGateway: ${node.gatewayUrl}/ipfs/\n`);

  closeOnSignals("ipfs node", node, logger);
}

await main();
