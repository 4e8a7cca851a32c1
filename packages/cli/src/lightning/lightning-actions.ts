/**
 * What `cryptokube lightning` does, as plain async functions over a loaded
 * stack: each returns data (printed as a table or --json by the command).
 * Every wait is bounded and says what it waited for when it gives up.
 */
import { CryptoKubeError } from "@cryptokube/core";
import type { LightningNode, LightningStack } from "./lightning-stack.ts";
import type { LndRest } from "./lnd-rest.ts";
import { mine, payFromFaucet } from "./regtest-faucet.ts";

export interface ActionOptions {
  signal: AbortSignal;
  /** Upper bound of each wait (node start, sync, channel activation). */
  timeoutMs: number;
}

export interface NodeInfo {
  name: string;
  state: string;
  pubkey?: string;
  alias?: string;
  blockHeight?: number;
  syncedToChain?: boolean;
  peers?: number;
  activeChannels?: number;
  pendingChannels?: number;
  walletConfirmedSats?: number;
  walletUnconfirmedSats?: number;
  channelLocalSats?: number;
  channelRemoteSats?: number;
  p2pAddress: string;
}

interface GetInfo {
  identity_pubkey: string;
  alias: string;
  block_height: number;
  synced_to_chain: boolean;
  num_peers: number;
  num_active_channels: number;
  num_pending_channels: number;
}
interface WalletBalance {
  confirmed_balance?: string;
  unconfirmed_balance?: string;
}
interface ChannelBalance {
  local_balance?: { sat?: string };
  remote_balance?: { sat?: string };
}
interface Channel {
  remote_pubkey: string;
  channel_point: string;
  active?: boolean;
  capacity?: string;
  local_balance?: string;
  remote_balance?: string;
}

const ACTIVE = "SERVER_ACTIVE";
/** lnd waits for its chain backend to look current: a tip older than this does not. */
const STALE_TIP_SECONDS = 60 * 60;

const sats = (value: string | undefined): number => Number(value ?? "0");

export async function nodeInfo(node: LightningNode): Promise<NodeInfo> {
  const state = await stateOf(node);
  if (state !== ACTIVE) return { name: node.name, state, p2pAddress: node.p2pAddress };
  const rest = node.rest();
  const [info, wallet, channels] = await Promise.all([
    rest.get<GetInfo>("/v1/getinfo"),
    rest.get<WalletBalance>("/v1/balance/blockchain"),
    rest.get<ChannelBalance>("/v1/balance/channels"),
  ]);
  return {
    name: node.name,
    state,
    pubkey: info.identity_pubkey,
    alias: info.alias,
    blockHeight: info.block_height,
    syncedToChain: info.synced_to_chain,
    peers: info.num_peers,
    activeChannels: info.num_active_channels,
    pendingChannels: info.num_pending_channels,
    walletConfirmedSats: sats(wallet.confirmed_balance),
    walletUnconfirmedSats: sats(wallet.unconfirmed_balance),
    channelLocalSats: sats(channels.local_balance?.sat),
    channelRemoteSats: sats(channels.remote_balance?.sat),
    p2pAddress: node.p2pAddress,
  };
}

export interface FundResult {
  node: string;
  address: string;
  txid: string;
  amountSats: number;
  blocksMined: number;
  walletConfirmedSats: number;
}

export async function fundNode(
  stack: LightningStack,
  node: LightningNode,
  amountSats: number,
  options: ActionOptions,
): Promise<FundResult> {
  await ensureActive(stack, node, options);
  const rest = node.rest();
  const before = sats((await rest.get<WalletBalance>("/v1/balance/blockchain")).confirmed_balance);
  // Nested (P2SH-wrapped) segwit: btcd's createrawtransaction pays only P2PKH and P2SH.
  const { address } = await rest.get<{ address: string }>("/v1/newaddress?type=NESTED_PUBKEY_HASH");
  const payment = await payFromFaucet(stack.chain.rpc, address, amountSats);
  const balance = await waitFor(
    `${node.name} to see ${amountSats} sats confirmed`,
    async () => {
      const info = await rest.get<GetInfo>("/v1/getinfo");
      if (!info.synced_to_chain || info.block_height < payment.height) return undefined;
      const now = sats((await rest.get<WalletBalance>("/v1/balance/blockchain")).confirmed_balance);
      return now >= before + amountSats ? now : undefined;
    },
    options,
  );
  return {
    node: node.name,
    address,
    txid: payment.txid,
    amountSats,
    blocksMined: payment.blocksMined,
    walletConfirmedSats: balance,
  };
}

export interface OpenResult {
  from: string;
  to: string;
  channelPoint: string;
  capacitySats: number;
  blocksMined: number;
}

/** Blocks mined on top of the funding transaction (lnd's regtest default wants 3). */
const CHANNEL_CONFIRMATIONS = 6;

export async function openChannel(
  stack: LightningStack,
  from: LightningNode,
  to: LightningNode,
  amountSats: number,
  options: ActionOptions,
): Promise<OpenResult> {
  if (from.name === to.name) {
    throw new CryptoKubeError(`cannot open a channel from ${from.name} to itself`, {
      code: "LIGHTNING_USAGE",
    });
  }
  await ensureActive(stack, from, options);
  await ensureActive(stack, to, options);
  const source = from.rest();
  const target = await to.rest().get<GetInfo>("/v1/getinfo");
  await connectPeer(source, target.identity_pubkey, to.p2pAddress);
  const point = await source.post<{ funding_txid_bytes?: string; output_index?: number }>(
    "/v1/channels",
    {
      node_pubkey: Buffer.from(target.identity_pubkey, "hex").toString("base64"),
      local_funding_amount: String(amountSats),
      // btcd has no fee estimates on a fresh regtest chain: say what to pay.
      sat_per_vbyte: "2",
    },
  );
  // The REST gateway gives the txid's bytes in internal (reversed) order, base64-encoded.
  const txid = Buffer.from(point.funding_txid_bytes ?? "", "base64")
    .reverse()
    .toString("hex");
  const channelPoint = `${txid}:${point.output_index ?? 0}`;
  await mine(stack.chain.rpc, CHANNEL_CONFIRMATIONS);
  const activeOn = async (rest: LndRest): Promise<Channel | undefined> => {
    const { channels } = await rest.get<{ channels?: Channel[] }>("/v1/channels?active_only=true");
    return channels?.find((c) => c.channel_point === channelPoint && c.active === true);
  };
  const channel = await waitFor(
    `channel ${channelPoint} from ${from.name} to ${to.name} to become active on both ends`,
    async () => ((await activeOn(to.rest())) === undefined ? undefined : await activeOn(source)),
    options,
  );
  return {
    from: from.name,
    to: to.name,
    channelPoint,
    capacitySats: sats(channel.capacity),
    blocksMined: CHANNEL_CONFIRMATIONS,
  };
}

async function connectPeer(rest: LndRest, pubkey: string, host: string): Promise<void> {
  try {
    await rest.post("/v1/peers", { addr: { pubkey, host }, perm: false, timeout: "10" });
  } catch (error) {
    if (!(error instanceof CryptoKubeError && /already connected/i.test(error.message)))
      throw error;
  }
}

export interface InvoiceResult {
  node: string;
  amountSats: number;
  paymentRequest: string;
  paymentHash: string;
}

export async function createInvoice(
  stack: LightningStack,
  node: LightningNode,
  amountSats: number,
  memo: string | undefined,
  options: ActionOptions,
): Promise<InvoiceResult> {
  await ensureActive(stack, node, options);
  const invoice = await node
    .rest()
    .post<{ payment_request: string; r_hash: string }>("/v1/invoices", {
      value: String(amountSats),
      ...(memo === undefined ? {} : { memo }),
    });
  return {
    node: node.name,
    amountSats,
    paymentRequest: invoice.payment_request,
    paymentHash: Buffer.from(invoice.r_hash, "base64").toString("hex"),
  };
}

export interface PayResult {
  node: string;
  status: string;
  paymentHash: string;
  amountSats: number;
  feeSats: number;
  preimage: string;
}

/** How long a payment is retried while a fresh channel is not routable yet. */
const ROUTABLE_WAIT_MS = 15_000;

interface Payment {
  status: string;
  payment_hash: string;
  payment_preimage?: string;
  value_sat?: string;
  fee_sat?: string;
  failure_reason?: string;
}

export async function payInvoice(
  stack: LightningStack,
  node: LightningNode,
  paymentRequest: string,
  options: ActionOptions,
): Promise<PayResult> {
  await ensureActive(stack, node, options);
  const timeoutSeconds = Math.max(5, Math.round(options.timeoutMs / 1000));
  const deadline = Date.now() + Math.min(options.timeoutMs, ROUTABLE_WAIT_MS);
  let payment: Payment;
  for (;;) {
    payment = await node.rest().stream<Payment>(
      "/v2/router/send",
      {
        payment_request: paymentRequest,
        timeout_seconds: timeoutSeconds,
        fee_limit_sat: "1000",
        no_inflight_updates: true,
      },
      (p) => p.status === "SUCCEEDED" || p.status === "FAILED",
      options.timeoutMs + 10_000,
    );
    // A channel that just became active can be unroutable for a moment (its graph edge
    // still carries the alias id): such a failure changes nothing, so trying again is safe.
    const transient =
      payment.failure_reason === "FAILURE_REASON_INSUFFICIENT_BALANCE" ||
      payment.failure_reason === "FAILURE_REASON_NO_ROUTE";
    if (payment.status === "SUCCEEDED" || !transient || Date.now() > deadline) break;
    options.signal.throwIfAborted();
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  if (payment.status !== "SUCCEEDED") {
    throw new CryptoKubeError(
      `${node.name} could not pay the invoice: ${payment.failure_reason ?? payment.status}`,
      {
        code: "LIGHTNING_PAYMENT_FAILED",
        hint: "does the payer have a channel with enough outbound capacity? `cryptokube lightning info` shows balances",
      },
    );
  }
  return {
    node: node.name,
    status: payment.status,
    paymentHash: payment.payment_hash,
    amountSats: sats(payment.value_sat),
    feeSats: sats(payment.fee_sat),
    preimage: payment.payment_preimage ?? "",
  };
}

/**
 * Waits until the node's server is fully up. lnd holds its start until its chain
 * backend looks current, which a fresh regtest chain (only the 2011 genesis block)
 * never does: then one block is mined to wake it.
 */
async function ensureActive(
  stack: LightningStack,
  node: LightningNode,
  options: ActionOptions,
): Promise<void> {
  if ((await stateOf(node)) === ACTIVE) return;
  const rpc = stack.chain.rpc;
  const best = await rpc.call<string>("getbestblockhash");
  const header = await rpc.call<{ time: number }>("getblockheader", [best, true]);
  if (Date.now() / 1000 - header.time > STALE_TIP_SECONDS) await mine(rpc, 1);
  await waitFor(
    `${node.name} to start (lnd state ${ACTIVE})`,
    async () => ((await stateOf(node)) === ACTIVE ? true : undefined),
    options,
  );
}

async function stateOf(node: LightningNode): Promise<string> {
  try {
    return (await node.rest().get<{ state: string }>("/v1/state")).state;
  } catch (error) {
    if (error instanceof CryptoKubeError && error.code === "NODE_UNREACHABLE") return "UNREACHABLE";
    if (error instanceof CryptoKubeError && error.code === "LIGHTNING_CREDENTIALS_MISSING")
      return "STARTING";
    throw error;
  }
}

async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  options: ActionOptions,
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    options.signal.throwIfAborted();
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      // A node that is restarting refuses connections for a moment: keep waiting.
      if (!(error instanceof CryptoKubeError && error.retryable)) throw error;
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new CryptoKubeError(
        `timed out after ${Math.round(options.timeoutMs / 1000)}s waiting for ${what}`,
        {
          code: "LIGHTNING_TIMEOUT",
          retryable: true,
          ...(lastError instanceof Error ? { details: lastError.message } : {}),
          hint: "`cryptokube logs` shows what the nodes are doing; raise --timeout if they are slow",
        },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
