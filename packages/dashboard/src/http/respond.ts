/** Writing responses: pages with security headers, JSON with bigints as strings, redirects. */
import type { ServerResponse } from "node:http";

/** Scripts and styles only from /static; forms only to us; no framing. */
const PAGE_HEADERS = {
  "content-type": "text/html; charset=utf-8",
  "content-security-policy":
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
  "cache-control": "no-store",
};

export function sendHtml(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, PAGE_HEADERS).end(body);
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body, (_key, value: unknown) =>
    typeof value === "bigint" ? value.toString() : value,
  );
  response
    .writeHead(status, {
      "content-type": "application/json; charset=utf-8",
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    })
    .end(text);
}

export function redirect(response: ServerResponse, location: string): void {
  response.writeHead(303, { location, "cache-control": "no-store" }).end();
}

/** Only same-site relative paths, so `next=` cannot send a user elsewhere. */
export function safeNext(next: string | null | undefined): string {
  if (next === null || next === undefined) return "/";
  return next.startsWith("/") && !next.startsWith("//") && !next.includes("\\") ? next : "/";
}
