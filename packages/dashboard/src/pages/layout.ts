/** The page frame shared by every page: navigation, who you are, a flash message. */
import { html, type SafeHtml } from "../http/html.ts";

export interface PageContext {
  stack: string;
  /** The session's CSRF token, for the forms of the page. */
  csrf: string;
  authenticated: boolean;
  /** Whether the token is required to see pages at all (off-loopback bind). */
  loginRequired: boolean;
  path: string;
}

export interface Page {
  title: string;
  body: SafeHtml;
  /** Milliseconds between live refreshes of `#live` (public/live.js); none when absent. */
  refreshMs?: number;
}

const NAV: Array<[string, string]> = [
  ["/", "Stack"],
  ["/explorer", "Explorer"],
  ["/wallet", "Wallet"],
  ["/ipfs", "IPFS"],
  ["/metrics-charts", "Metrics"],
];

export function layout(ctx: PageContext, page: Page): string {
  const current = (href: string) =>
    href === "/" ? ctx.path === "/" : ctx.path === href || ctx.path.startsWith(`${href}/`);
  return `<!doctype html>\n${
    html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${page.title} · ${ctx.stack} · CryptoKube</title>
<link rel="stylesheet" href="/static/style.css">
<script type="module" src="/static/live.js"></script>
</head>
<body>
<header>
  <a class="brand" href="/">CryptoKube · ${ctx.stack}</a>
  <nav>${NAV.map(
    ([href, label]) =>
      html`<a href="${href}"${current(href) ? html` aria-current="page"` : ""}>${label}</a>`,
  )}</nav>
  <form class="search" action="/explorer/search" method="get" role="search">
    <input name="q" placeholder="block, tx hash or address" aria-label="search the chain">
    <button type="submit">Search</button>
  </form>
  ${
    ctx.authenticated
      ? html`<form method="post" action="/logout"><input type="hidden" name="_csrf" value="${ctx.csrf}"><button type="submit">Log out</button></form>`
      : html`<a href="/login?next=${encodeURIComponent(ctx.path)}">Log in</a>`
  }
</header>
<main id="live"${page.refreshMs === undefined ? "" : html` data-refresh-ms="${page.refreshMs}"`}>
<h1>${page.title}</h1>
${page.body}
</main>
</body>
</html>`.text
  }\n`;
}

/** A notice at the top of a page (an action's outcome, a degraded source). */
export function notice(kind: "ok" | "warn" | "error", text: SafeHtml | string): SafeHtml {
  return html`<p class="notice ${kind}" role="${kind === "error" ? "alert" : "status"}">${text}</p>`;
}

export function csrfField(ctx: PageContext): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${ctx.csrf}">`;
}
