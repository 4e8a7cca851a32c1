/** Display helpers for chain values: links, ETH amounts, decoded arguments. */
import { formatEther } from "viem";
import { html, type SafeHtml } from "../http/html.ts";

export function addressLink(address: string | null | undefined): SafeHtml {
  if (address === null || address === undefined) return html`<span class="muted">—</span>`;
  return html`<a class="mono" href="/explorer/address/${address}">${address}</a>`;
}

export function txLink(hash: string): SafeHtml {
  return html`<a class="mono" href="/explorer/tx/${hash}">${short(hash)}</a>`;
}

export function blockLink(n: bigint | number | string | null | undefined): SafeHtml {
  if (n === null || n === undefined) return html`<span class="muted">pending</span>`;
  return html`<a href="/explorer/block/${String(n)}">${String(n)}</a>`;
}

export function eth(wei: bigint | string | null | undefined): string {
  if (wei === null || wei === undefined) return "—";
  return `${formatEther(BigInt(wei))} ETH`;
}

export function short(hash: string): string {
  return hash.length > 18 ? `${hash.slice(0, 10)}…${hash.slice(-6)}` : hash;
}

/** A decoded value as text: bigints exactly, structures as JSON. */
export function showValue(value: unknown): string {
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "string") return value;
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
}

export function time(seconds: bigint | number | string): string {
  return new Date(Number(seconds) * 1000).toISOString().replace("T", " ").slice(0, 19);
}
