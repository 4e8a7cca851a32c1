/**
 * The block explorer: latest blocks and transactions, block, transaction and
 * address pages, search. Chain facts come from the RPC (always current); the
 * indexer adds address history and the ABIs that decode inputs and events.
 * Without an indexer the pages say so and show what the RPC alone gives.
 */
import {
  type Abi,
  type Block,
  BlockNotFoundError,
  decodeEventLog,
  decodeFunctionData,
  formatGwei,
  type Hex,
  type Log,
  type PublicClient,
  type Transaction,
  TransactionNotFoundError,
  type TransactionReceipt,
  TransactionReceiptNotFoundError,
} from "viem";
import { html, type SafeHtml } from "../http/html.ts";
import { HttpError, notFound } from "../http/http-error.ts";
import type { DashboardServices } from "../services.ts";
import type { IndexedEvent, IndexedTxSummary } from "../sources/indexer-client.ts";
import { parseAddress, parseBlockId, parseTxHash } from "../wallet/parse-input.ts";
import { addressLink, blockLink, eth, short, showValue, time, txLink } from "./format.ts";
import { notice, type Page } from "./layout.ts";

const LATEST = 10;

function chainOf(s: DashboardServices): PublicClient {
  if (s.chain === undefined) {
    throw new HttpError(
      503,
      "No chain",
      "this stack has no single Ethereum chain for the explorer to read; declare one under chains",
    );
  }
  return s.chain;
}

function rpcFailure(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  return new HttpError(
    502,
    "Chain unavailable",
    `the chain RPC did not answer: ${(error as Error).message.split("\n")[0]}`,
    { cause: error },
  );
}

function indexerNotice(s: DashboardServices, problem: string | undefined): SafeHtml | undefined {
  if (s.indexer === undefined) {
    return notice(
      "warn",
      "No indexer in this stack: the explorer shows what the chain RPC alone gives (recent blocks, single transactions; no address history, events or decoding). Add services.indexer to get them.",
    );
  }
  if (problem !== undefined) {
    return notice(
      "warn",
      `The indexer is unavailable (${problem}); showing what the chain RPC gives.`,
    );
  }
  return undefined;
}

export async function explorerHome(s: DashboardServices): Promise<Page> {
  const chain = chainOf(s);
  let blocks: Block<bigint, true>[];
  try {
    const head = await chain.getBlockNumber({ cacheTime: 0 });
    const numbers: bigint[] = [];
    for (let n = head; n >= 0n && numbers.length < LATEST; n--) numbers.push(n);
    blocks = await Promise.all(
      numbers.map((blockNumber) => chain.getBlock({ blockNumber, includeTransactions: true })),
    );
  } catch (error) {
    throw rpcFailure(error);
  }
  let txs: IndexedTxSummary[] | undefined;
  let problem: string | undefined;
  if (s.indexer !== undefined) {
    try {
      txs = await s.indexer.latestTxs(LATEST);
    } catch (error) {
      problem = (error as Error).message;
    }
  }
  txs ??= blocks
    .flatMap((b) => b.transactions)
    .slice(0, LATEST)
    .map((tx) => ({
      hash: tx.hash,
      blockNumber: String(tx.blockNumber ?? ""),
      from: tx.from,
      to: tx.to,
      value: tx.value.toString(),
    }));
  return {
    title: "Explorer",
    refreshMs: 5000,
    body: html`${indexerNotice(s, problem)}
<section><h2>Latest blocks</h2>
<table class="blocks"><thead><tr><th>Block</th><th>Time</th><th>Txs</th><th>Gas used</th><th>Hash</th></tr></thead><tbody>
${blocks.map(
  (b) =>
    html`<tr><td>${blockLink(b.number)}</td><td>${time(b.timestamp)}</td><td>${b.transactions.length}</td><td>${b.gasUsed}</td><td class="mono">${short(b.hash ?? "")}</td></tr>`,
)}
</tbody></table></section>
<section><h2>Latest transactions</h2>
${txTable(txs)}
</section>`,
  };
}

function txTable(txs: readonly IndexedTxSummary[]): SafeHtml {
  if (txs.length === 0) return html`<p class="muted">No transactions yet.</p>`;
  return html`<table class="txs"><thead><tr><th>Hash</th><th>Block</th><th>From</th><th>To</th><th>Value</th></tr></thead><tbody>
${txs.map(
  (tx) =>
    html`<tr><td>${txLink(tx.hash)}</td><td>${blockLink(tx.blockNumber)}</td><td>${addressLink(tx.from)}</td><td>${addressLink(tx.to)}</td><td>${eth(tx.value)}</td></tr>`,
)}
</tbody></table>`;
}

export async function blockPage(s: DashboardServices, id: string): Promise<Page> {
  const chain = chainOf(s);
  const parsed = parseBlockId(id);
  let block: Block<bigint, true>;
  try {
    block =
      "number" in parsed
        ? await chain.getBlock({ blockNumber: parsed.number, includeTransactions: true })
        : await chain.getBlock({ blockHash: parsed.hash, includeTransactions: true });
  } catch (error) {
    if (error instanceof BlockNotFoundError) throw notFound(`block ${id} is not on this chain`);
    throw rpcFailure(error);
  }
  return {
    title: `Block ${block.number}`,
    body: html`<dl class="facts">
<dt>Number</dt><dd>${block.number}</dd>
<dt>Hash</dt><dd class="mono">${block.hash}</dd>
<dt>Parent</dt><dd class="mono"><a href="/explorer/block/${block.parentHash}">${block.parentHash}</a></dd>
<dt>Time</dt><dd>${time(block.timestamp)}</dd>
<dt>Miner</dt><dd>${addressLink(block.miner)}</dd>
<dt>Gas used</dt><dd>${block.gasUsed} of ${block.gasLimit}</dd>
<dt>Transactions</dt><dd>${block.transactions.length}</dd>
</dl>
<section><h2>Transactions</h2>
${txTable(
  block.transactions.map((tx) => ({
    hash: tx.hash,
    blockNumber: String(block.number),
    from: tx.from,
    to: tx.to,
    value: tx.value.toString(),
  })),
)}
</section>`,
  };
}

interface DecodedCall {
  contract: string;
  functionName: string;
  args: Array<[string, unknown]>;
}

function decodeInput(name: string, abi: Abi, input: Hex): DecodedCall | undefined {
  try {
    const decoded = decodeFunctionData({ abi, data: input });
    const fn = abi.find((item) => item.type === "function" && item.name === decoded.functionName);
    const inputs = fn !== undefined && "inputs" in fn ? fn.inputs : [];
    return {
      contract: name,
      functionName: decoded.functionName,
      args: (decoded.args ?? []).map((value, i) => [inputs[i]?.name || `arg${i}`, value]),
    };
  } catch {
    return undefined;
  }
}

interface DecodedEvent {
  contract: string;
  eventName: string;
  args: Array<[string, unknown]>;
}

function decodeLog(name: string, abi: Abi, log: Log): DecodedEvent | undefined {
  try {
    const decoded = decodeEventLog({ abi, data: log.data, topics: log.topics, strict: false });
    const args = decoded.args as unknown;
    const entries: Array<[string, unknown]> = Array.isArray(args)
      ? args.map((v, i) => [`arg${i}`, v])
      : Object.entries((args ?? {}) as Record<string, unknown>);
    return { contract: name, eventName: decoded.eventName ?? "?", args: entries };
  } catch {
    return undefined;
  }
}

function argsTable(args: Array<[string, unknown]>): SafeHtml {
  if (args.length === 0) return html`<span class="muted">no arguments</span>`;
  return html`<table class="args"><tbody>${args.map(
    ([k, v]) => html`<tr><th>${k}</th><td class="mono">${showValue(v)}</td></tr>`,
  )}</tbody></table>`;
}

export async function txPage(s: DashboardServices, hashText: string): Promise<Page> {
  const chain = chainOf(s);
  const hash = parseTxHash(hashText);
  let tx: Transaction;
  try {
    tx = await chain.getTransaction({ hash });
  } catch (error) {
    if (error instanceof TransactionNotFoundError) {
      throw notFound(`transaction ${hash} is not on this chain (nor pending)`);
    }
    throw rpcFailure(error);
  }
  let receipt: TransactionReceipt | undefined;
  try {
    receipt = await chain.getTransactionReceipt({ hash });
  } catch (error) {
    if (!(error instanceof TransactionReceiptNotFoundError)) throw rpcFailure(error);
  }
  const target = await s.contracts.byAddress(tx.to);
  const call = target === undefined ? undefined : decodeInput(target.name, target.abi, tx.input);
  const logs = await Promise.all(
    (receipt?.logs ?? []).map(async (log) => {
      const contract = await s.contracts.byAddress(log.address);
      return {
        log,
        decoded: contract === undefined ? undefined : decodeLog(contract.name, contract.abi, log),
      };
    }),
  );
  const status =
    receipt === undefined ? "pending" : receipt.status === "success" ? "success" : "reverted";
  return {
    title: "Transaction",
    body: html`${indexerNotice(s, undefined)}
<dl class="facts">
<dt>Hash</dt><dd class="mono" id="tx-hash">${tx.hash}</dd>
<dt>Status</dt><dd><span class="status ${status}" id="tx-status">${status}</span></dd>
<dt>Block</dt><dd>${blockLink(tx.blockNumber)}</dd>
<dt>From</dt><dd>${addressLink(tx.from)}</dd>
<dt>To</dt><dd>${tx.to === null ? html`contract creation → ${addressLink(receipt?.contractAddress)}` : addressLink(tx.to)}${target === undefined ? "" : html` (${target.name})`}</dd>
<dt>Value</dt><dd>${eth(tx.value)}</dd>
<dt>Nonce</dt><dd>${tx.nonce}</dd>
<dt>Gas</dt><dd>${receipt === undefined ? "—" : receipt.gasUsed} used of ${tx.gas}${tx.gasPrice === undefined ? "" : ` at ${formatGwei(tx.gasPrice)} gwei`}</dd>
</dl>
<section><h2>Input</h2>
${
  call === undefined
    ? html`<pre class="mono wrap">${tx.input}</pre>${tx.to !== null && target === undefined && tx.input !== "0x" ? html`<p class="muted">No ABI registered for this address: the input is shown raw.</p>` : ""}`
    : html`<p id="decoded-input"><strong>${call.contract}.${call.functionName}</strong></p>${argsTable(call.args)}`
}
</section>
<section><h2>Events (${logs.length})</h2>
${logs.map(
  ({ log, decoded }) => html`<article class="event">
<p>#${log.logIndex} from ${addressLink(log.address)}</p>
${
  decoded === undefined
    ? html`<p class="muted">not decoded (no ABI registered for this address or unknown signature)</p><pre class="mono wrap">topics: ${log.topics.join("\n        ")}
data:   ${log.data}</pre>`
    : html`<p class="event-name"><strong>${decoded.contract}.${decoded.eventName}</strong></p>${argsTable(decoded.args)}`
}
</article>`,
)}
</section>`,
  };
}

export async function addressPage(s: DashboardServices, addressText: string): Promise<Page> {
  const chain = chainOf(s);
  const address = parseAddress(addressText);
  let balance: bigint;
  let code: Hex | undefined;
  try {
    [balance, code] = await Promise.all([
      chain.getBalance({ address }),
      chain.getCode({ address }),
    ]);
  } catch (error) {
    throw rpcFailure(error);
  }
  let history:
    | { txs: IndexedTxSummary[]; events: IndexedEvent[]; contract?: { name: string } }
    | undefined;
  let problem: string | undefined;
  if (s.indexer !== undefined) {
    try {
      history = await s.indexer.address(address);
    } catch (error) {
      problem = (error as Error).message;
    }
  }
  const registered = await s.contracts.byAddress(address);
  const name = registered?.name ?? history?.contract?.name;
  const codeHex = code ?? "0x";
  const hasCode = codeHex !== "0x";
  return {
    title: name === undefined ? "Address" : `Address · ${name}`,
    body: html`${indexerNotice(s, problem)}
<dl class="facts">
<dt>Address</dt><dd class="mono">${address}</dd>
<dt>Balance</dt><dd id="address-balance">${eth(balance)}</dd>
<dt>Kind</dt><dd>${hasCode ? `contract (${(codeHex.length - 2) / 2} bytes of code)` : "account"}</dd>
</dl>
${hasCode ? html`<details><summary>Code</summary><pre class="mono wrap">${codeHex}</pre></details>` : ""}
${
  history === undefined
    ? ""
    : html`<section><h2>Transactions</h2>${txTable(history.txs)}</section>
<section><h2>Events</h2>${
        history.events.length === 0
          ? html`<p class="muted">No events.</p>`
          : html`<table><thead><tr><th>Block</th><th>Tx</th><th>Event</th><th>Arguments</th></tr></thead><tbody>${history.events.map(
              (e) =>
                html`<tr><td>${blockLink(e.blockNumber)}</td><td>${txLink(e.txHash)}</td><td>${e.event ?? "raw log"}</td><td class="mono">${e.args === null || e.args === undefined ? "" : showValue(e.args)}</td></tr>`,
            )}</tbody></table>`
      }</section>`
}`,
  };
}

/** Where a search goes: a block number, a tx or block hash, or an address. */
export async function searchTarget(s: DashboardServices, q: string): Promise<string> {
  const query = q.trim();
  if (query === "")
    throw new HttpError(
      400,
      "Bad request",
      "type a block number, a transaction or block hash, or an address",
    );
  if (/^\d+$/.test(query)) return `/explorer/block/${query}`;
  if (/^0x[0-9a-fA-F]{40}$/.test(query)) return `/explorer/address/${query}`;
  if (/^0x[0-9a-fA-F]{64}$/.test(query)) {
    const chain = chainOf(s);
    const hash = query.toLowerCase() as Hex;
    try {
      await chain.getTransaction({ hash });
      return `/explorer/tx/${hash}`;
    } catch (error) {
      if (!(error instanceof TransactionNotFoundError)) throw rpcFailure(error);
    }
    return `/explorer/block/${hash}`;
  }
  throw new HttpError(
    400,
    "Bad request",
    `'${query.slice(0, 80)}' is not a block number, a 0x hash (64 hex digits) or an address (40 hex digits)`,
  );
}
