/**
 * `cryptokube lightning` (alias `ln`): drive the running stack's lnd nodes over
 * their REST API — info, fund from the regtest faucet, open a channel, make and
 * pay invoices. Nodes are named by component ("btc-ln-1"), suffix ("ln-1") or
 * index ("1"). Macaroons are read from the node's data dir and never printed.
 */
import { CryptoKubeError } from "@cryptokube/core";
import { type Command, InvalidArgumentError, Option } from "commander";
import { type CliContext, createStyler, writeJson } from "../context.ts";
import {
  type ActionOptions,
  createInvoice,
  fundNode,
  nodeInfo,
  openChannel,
  payInvoice,
} from "../lightning/lightning-actions.ts";
import { findNode, type LightningStack, loadLightningStack } from "../lightning/lightning-stack.ts";
import { type FileOption, type JsonOption, parseDuration, withFile, withJson } from "../options.ts";
import { formatTable } from "../table.ts";
import { stackDirOf } from "./local.ts";

interface LightningOptions extends FileOption, JsonOption {
  chain?: string;
  timeout: number;
}

const SATS_PER_BTC = 100_000_000;

export function registerLightning(program: Command, ctx: CliContext): void {
  const lightning = program
    .command("lightning")
    .alias("ln")
    .description(
      "use the running stack's Lightning nodes: info, fund (regtest), open a channel, invoice, pay",
    );

  const sub = (name: string, description: string): Command => {
    const command = lightning.command(name).description(description);
    withFile(command);
    withJson(command);
    return command
      .option(
        "--chain <name>",
        "the bitcoin chain whose nodes to use (when several have lightning)",
      )
      .addOption(
        new Option(
          "--timeout <duration>",
          "how long each wait (node start, sync, channel) may take",
        )
          .argParser(parseDuration)
          .default(60_000, "60s"),
      );
  };

  const run = async <T>(
    options: LightningOptions,
    action: (stack: LightningStack, actionOptions: ActionOptions) => Promise<T>,
    print: (result: T) => string,
  ): Promise<void> => {
    const stack = await loadLightningStack(stackDirOf(ctx, options.file), {
      ...(options.chain === undefined ? {} : { chain: options.chain }),
      env: ctx.env,
    });
    const result = await action(stack, { signal: ctx.signal, timeoutMs: options.timeout });
    if (options.json === true) writeJson(ctx, result);
    else ctx.stdout.write(print(result));
  };
  const ok = createStyler(ctx, ctx.stdout)("green", "✓");

  sub("info", "show each node: state, pubkey, sync, peers, channels and balances").action(
    (options: LightningOptions) =>
      run(
        options,
        async (stack) => ({
          stack: stack.stack,
          chain: stack.chain.name,
          network: stack.chain.network,
          nodes: await Promise.all(stack.nodes.map((node) => nodeInfo(node))),
        }),
        (result) =>
          formatTable(
            [
              "NODE",
              "STATE",
              "SYNCED",
              "PEERS",
              "CHANNELS",
              "WALLET (sat)",
              "LOCAL (sat)",
              "REMOTE (sat)",
              "PUBKEY",
            ],
            result.nodes.map((n) => [
              n.name,
              n.state,
              n.syncedToChain === undefined
                ? "-"
                : n.syncedToChain
                  ? `yes @${n.blockHeight}`
                  : "no",
              String(n.peers ?? "-"),
              n.activeChannels === undefined
                ? "-"
                : `${n.activeChannels} active, ${n.pendingChannels} pending`,
              String(n.walletConfirmedSats ?? "-"),
              String(n.channelLocalSats ?? "-"),
              String(n.channelRemoteSats ?? "-"),
              n.pubkey ?? "-",
            ]),
          ),
      ),
  );

  sub("fund", "send BTC to a node's wallet from the regtest faucet (mines the blocks it needs)")
    .argument("<node>", "node: component name, ln-N or N")
    .argument("[btc]", "amount in BTC", parseBtc, SATS_PER_BTC)
    .action((node: string, amountSats: number, options: LightningOptions) =>
      run(
        options,
        (stack, o) => fundNode(stack, findNode(stack, node), amountSats, o),
        (r) =>
          `${ok} funded ${r.node} with ${formatBtc(r.amountSats)} BTC (tx ${r.txid}, ${r.blocksMined} blocks mined); wallet: ${r.walletConfirmedSats} sat confirmed\n`,
      ),
    );

  sub(
    "open",
    "open a channel between two nodes (connects them, mines 6 blocks, waits until active)",
  )
    .argument("<from>", "the node that funds the channel")
    .argument("<to>", "the peer")
    .argument("<sats>", "channel capacity in satoshis", parseSats)
    .action((from: string, to: string, amountSats: number, options: LightningOptions) =>
      run(
        options,
        (stack, o) => openChannel(stack, findNode(stack, from), findNode(stack, to), amountSats, o),
        (r) =>
          `${ok} channel ${r.channelPoint} ${r.from} → ${r.to} is active (${r.capacitySats} sat)\n`,
      ),
    );

  sub("invoice", "create an invoice on a node; prints the BOLT 11 payment request")
    .argument("<node>", "the node that gets paid")
    .argument("<sats>", "amount in satoshis", parseSats)
    .option("--memo <text>", "description in the invoice")
    .action((node: string, amountSats: number, options: LightningOptions & { memo?: string }) =>
      run(
        options,
        (stack, o) => createInvoice(stack, findNode(stack, node), amountSats, options.memo, o),
        (r) => `${r.paymentRequest}\n`,
      ),
    );

  sub("pay", "pay a BOLT 11 invoice from a node")
    .argument("<node>", "the paying node")
    .argument("<bolt11>", "the payment request")
    .action((node: string, paymentRequest: string, options: LightningOptions) =>
      run(
        options,
        (stack, o) => payInvoice(stack, findNode(stack, node), paymentRequest, o),
        (r) =>
          `${ok} ${r.node} paid ${r.amountSats} sat (fee ${r.feeSats} sat); payment hash ${r.paymentHash}\n`,
      ),
    );
}

function parseSats(value: string): number {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value)) || Number(value) <= 0) {
    throw new InvalidArgumentError(`expected a positive whole number of satoshis, got '${value}'`);
  }
  return Number(value);
}

function parseBtc(value: string): number {
  if (!/^\d+(\.\d{1,8})?$/.test(value) || Number(value) <= 0) {
    throw new InvalidArgumentError(`expected an amount in BTC like 1 or 0.5, got '${value}'`);
  }
  const [whole = "0", fraction = ""] = value.split(".");
  const amount = Number(whole) * SATS_PER_BTC + Number(fraction.padEnd(8, "0"));
  if (!Number.isSafeInteger(amount)) {
    throw new CryptoKubeError(`amount ${value} BTC is too large`, { code: "LIGHTNING_USAGE" });
  }
  return amount;
}

function formatBtc(amountSats: number): string {
  return (amountSats / SATS_PER_BTC).toFixed(8).replace(/\.?0+$/, "");
}
