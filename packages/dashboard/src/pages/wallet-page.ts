/**
 * The wallet: the devnet accounts and balances, send ETH, the faucet, and a
 * form per function of every registered contract (call for views, transact
 * otherwise). Forms post back with the session's CSRF token; the handlers in
 * wallet-actions.ts require the access token for anything that signs.
 */
import type { AbiFunction } from "viem";
import { html, type SafeHtml } from "../http/html.ts";
import type { DashboardServices } from "../services.ts";
import type { RegisteredContract } from "../sources/indexer-client.ts";
import { addressLink, eth, showValue, txLink } from "./format.ts";
import { csrfField, notice, type Page, type PageContext } from "./layout.ts";

export interface WalletOutcome {
  tx?: string;
  what?: string;
  call?: { label: string; result: unknown };
}

export function contractFunctions(contract: RegisteredContract): AbiFunction[] {
  return contract.abi.filter((item): item is AbiFunction => item.type === "function");
}

export async function walletPage(
  s: DashboardServices,
  ctx: PageContext,
  outcome: WalletOutcome,
): Promise<Page> {
  const wallet = s.wallet;
  if (wallet === undefined || wallet.accountCount === 0) {
    return {
      title: "Wallet",
      body: notice(
        "warn",
        wallet === undefined
          ? "No wallet in this stack: add services.wallet (devnet chains get funded accounts and a faucet)."
          : "This chain is not a devnet: the wallet has no accounts to sign with.",
      ),
    };
  }
  const accounts = await wallet.balances();
  const contracts = await s.contracts.list();
  const accountOptions = accounts.map(
    (a) => html`<option value="${a.index}">#${a.index} ${a.address}</option>`,
  );
  const locked = !ctx.authenticated;
  const lockedNote = locked
    ? notice(
        "warn",
        html`Sending, transacting and the faucet need the access token: <a href="/login?next=/wallet">log in</a>.`,
      )
    : undefined;
  const disabled = locked ? html` disabled` : "";
  return {
    title: "Wallet",
    body: html`${outcomeNotice(outcome)}${lockedNote}
<section><h2>Accounts</h2>
<table class="accounts"><thead><tr><th>#</th><th>Address</th><th>Balance</th></tr></thead><tbody>
${accounts.map(
  (a) =>
    html`<tr data-account="${a.index}"><td>${a.index}</td><td>${addressLink(a.address)}</td><td class="balance" id="balance-${a.index}">${eth(a.balance)}</td></tr>`,
)}
</tbody></table></section>
<section><h2>Send ETH</h2>
<form method="post" action="/wallet/send" class="stacked" id="send-form">${csrfField(ctx)}
<label>From <select name="from">${accountOptions}</select></label>
<label>To <input name="to" placeholder="0x…" required></label>
<label>Amount (ETH) <input name="amount" placeholder="1.5" required></label>
<button type="submit"${disabled}>Send</button>
</form></section>
${
  wallet.faucet
    ? html`<section><h2>Faucet</h2>
<form method="post" action="/wallet/faucet" class="stacked" id="faucet-form">${csrfField(ctx)}
<label>To <input name="to" placeholder="0x…" required></label>
<label>Amount (ETH, at most 100) <input name="amount" value="1" required></label>
<button type="submit"${disabled}>Drip</button>
</form></section>`
    : ""
}
<section><h2>Contracts</h2>
${
  s.indexer === undefined
    ? html`<p class="muted">No indexer in this stack: contracts are registered with it (POST /api/contracts), so there are none to show.</p>`
    : contracts.length === 0
      ? html`<p class="muted">No contracts registered with the indexer yet.</p>`
      : contracts.map((c) => contractForms(ctx, c, accountOptions, disabled))
}
</section>`,
  };
}

function contractForms(
  ctx: PageContext,
  contract: RegisteredContract,
  accountOptions: SafeHtml[],
  disabled: SafeHtml | string,
): SafeHtml {
  const fns = contractFunctions(contract);
  return html`<details class="contract"><summary>${contract.name} ${addressLink(contract.address)}</summary>
${fns.map((fn) => {
  const index = contract.abi.indexOf(fn);
  const read = fn.stateMutability === "view" || fn.stateMutability === "pure";
  return html`<form method="post" action="/wallet/${read ? "call" : "transact"}" class="fn">${csrfField(ctx)}
<input type="hidden" name="contract" value="${contract.address}">
<input type="hidden" name="fn" value="${index}">
<strong>${fn.name}</strong>(${fn.inputs.map(
    (p, i) =>
      html`<label>${p.name || `arg${i}`} <input name="arg${i}" placeholder="${p.type}"></label> `,
  )})
${read ? "" : html`<label>from <select name="from">${accountOptions}</select></label>`}
${fn.stateMutability === "payable" ? html`<label>value (ETH) <input name="value" placeholder="0"></label>` : ""}
<button type="submit"${read ? "" : disabled}>${read ? "Call" : "Transact"}</button>
</form>`;
})}
</details>`;
}

function outcomeNotice(outcome: WalletOutcome): SafeHtml | undefined {
  if (outcome.call !== undefined) {
    return notice(
      "ok",
      html`${outcome.call.label} returned <code id="call-result">${showValue(outcome.call.result)}</code>`,
    );
  }
  if (outcome.tx !== undefined && /^0x[0-9a-f]{64}$/.test(outcome.tx)) {
    return notice("ok", html`${outcome.what ?? "transaction"}: ${txLink(outcome.tx)} mined.`);
  }
  return undefined;
}
