/**
 * The route table: which handler answers which method + path, and what each
 * needs (a form, the access token). Handlers return what to answer; the server
 * (create-dashboard.ts) owns sessions, CSRF, errors and writing.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import { badRequest, HttpError } from "./http/http-error.ts";
import { field } from "./http/read-body.ts";
import { safeNext } from "./http/respond.ts";
import {
  addressPage,
  blockPage,
  explorerHome,
  searchTarget,
  txPage,
} from "./pages/explorer-pages.ts";
import { ipfsPage } from "./pages/ipfs-page.ts";
import type { Page, PageContext } from "./pages/layout.ts";
import { loginPage } from "./pages/login-page.ts";
import { metricsPage } from "./pages/metrics-page.ts";
import { stackPage } from "./pages/stack-page.ts";
import { walletPage } from "./pages/wallet-page.ts";
import type { DashboardServices } from "./services.ts";
import { stackOverview } from "./sources/stack-overview.ts";
import {
  callAction,
  faucetAction,
  sendAction,
  transactAction,
  walletOf,
} from "./wallet/wallet-actions.ts";

export type RouteResult =
  | { page: Page; status?: number }
  | { redirect: string }
  | { json: unknown; status?: number }
  /** The handler wrote the response itself (a proxied file). */
  | { written: true };

export interface RouteRequest {
  request: IncomingMessage;
  response: ServerResponse;
  url: URL;
  params: string[];
  page: PageContext;
  /** The posted form, for POST routes (already CSRF-checked). */
  form: FormData;
  /** Marks the session as logged in (rotating its id); false when the token is wrong. */
  login(token: string): boolean;
  logout(): void;
}

export interface Route {
  method: "GET" | "POST";
  path: RegExp;
  /** Label for metrics. */
  name: string;
  /** Signs transactions: the access token is required whatever the bind address. */
  needsToken?: boolean;
  /** Reachable without login even off-loopback. */
  public?: boolean;
  /** Largest accepted body for POST routes. */
  maxBody?: number;
  handle(s: DashboardServices, r: RouteRequest): Promise<RouteResult>;
}

const FORM_MAX = 64 * 1024;
export const UPLOAD_MAX = 50 * 1024 * 1024;

export const ROUTES: readonly Route[] = [
  {
    method: "GET",
    path: /^\/$/,
    name: "stack",
    handle: async (s, r) => ({
      page: await stackPage(s, r.url.searchParams.get("logs") ?? undefined),
    }),
  },
  {
    method: "GET",
    path: /^\/api\/stack$/,
    name: "api-stack",
    handle: async (s) => ({ json: await stackOverview(s.config, s.stackDir, s.self, s.cluster) }),
  },
  {
    method: "GET",
    path: /^\/explorer$/,
    name: "explorer",
    handle: async (s) => ({ page: await explorerHome(s) }),
  },
  {
    method: "GET",
    path: /^\/explorer\/search$/,
    name: "search",
    handle: async (s, r) => ({
      redirect: await searchTarget(s, r.url.searchParams.get("q") ?? ""),
    }),
  },
  {
    method: "GET",
    path: /^\/explorer\/block\/([^/]+)$/,
    name: "block",
    handle: async (s, r) => ({ page: await blockPage(s, r.params[0] ?? "") }),
  },
  {
    method: "GET",
    path: /^\/explorer\/tx\/([^/]+)$/,
    name: "tx",
    handle: async (s, r) => ({ page: await txPage(s, r.params[0] ?? "") }),
  },
  {
    method: "GET",
    path: /^\/explorer\/address\/([^/]+)$/,
    name: "address",
    handle: async (s, r) => ({ page: await addressPage(s, r.params[0] ?? "") }),
  },
  {
    method: "GET",
    path: /^\/wallet$/,
    name: "wallet",
    handle: async (s, r) => {
      const tx = r.url.searchParams.get("tx") ?? undefined;
      const what = r.url.searchParams.get("what") ?? undefined;
      return {
        page: await walletPage(s, r.page, {
          ...(tx === undefined ? {} : { tx }),
          ...(what === undefined ? {} : { what }),
        }),
      };
    },
  },
  {
    method: "GET",
    path: /^\/api\/wallet\/accounts$/,
    name: "api-accounts",
    handle: async (s) => ({
      json: { accounts: await walletOf(s).balances() },
    }),
  },
  {
    method: "POST",
    path: /^\/wallet\/send$/,
    name: "wallet-send",
    needsToken: true,
    handle: async (s, r) => ({
      redirect: `/wallet?what=sent&tx=${await sendAction(s, r.form)}`,
    }),
  },
  {
    method: "POST",
    path: /^\/wallet\/faucet$/,
    name: "wallet-faucet",
    needsToken: true,
    handle: async (s, r) => ({
      redirect: `/wallet?what=faucet&tx=${await faucetAction(s, r.form)}`,
    }),
  },
  {
    method: "POST",
    path: /^\/wallet\/transact$/,
    name: "wallet-transact",
    needsToken: true,
    handle: async (s, r) => ({
      redirect: `/wallet?what=transaction&tx=${await transactAction(s, r.form)}`,
    }),
  },
  {
    method: "POST",
    path: /^\/wallet\/call$/,
    name: "wallet-call",
    handle: async (s, r) => ({
      page: await walletPage(s, r.page, { call: await callAction(s, r.form) }),
    }),
  },
  {
    method: "GET",
    path: /^\/ipfs$/,
    name: "ipfs",
    handle: async (s, r) => {
      const cid = r.url.searchParams.get("added");
      const name = r.url.searchParams.get("name") ?? "the file";
      return { page: await ipfsPage(s, r.page, cid === null ? undefined : { cid, name }) };
    },
  },
  {
    method: "POST",
    path: /^\/ipfs\/upload$/,
    name: "ipfs-upload",
    maxBody: UPLOAD_MAX,
    handle: async (s, r) => {
      const ipfs = ipfsOf(s);
      const file = r.form.get("file");
      if (file === null || typeof file === "string") {
        throw badRequest("file: choose a file to upload");
      }
      const name = file.name === "" ? "upload" : file.name;
      const { cid } = await ipfs.add(file, name);
      s.logger.info({ cid, bytes: file.size }, "file added to IPFS");
      return {
        redirect: `/ipfs?added=${encodeURIComponent(cid)}&name=${encodeURIComponent(name)}`,
      };
    },
  },
  {
    method: "GET",
    path: /^\/ipfs\/view$/,
    name: "ipfs-view-form",
    handle: async (_s, r) => {
      const cid = (r.url.searchParams.get("cid") ?? "").trim().replace(/^\/?ipfs\//, "");
      if (cid === "") throw badRequest("cid: type a CID (bafy…, Qm…) or a CID/path");
      return { redirect: `/ipfs/view/${cid.split("/").map(encodeURIComponent).join("/")}` };
    },
  },
  {
    method: "GET",
    path: /^\/ipfs\/view\/(.+)$/,
    name: "ipfs-view",
    handle: async (s, r) => {
      const path = r.params[0] ?? "";
      if (!/^[a-zA-Z0-9]{10,}(\/[^?#]*)?$/.test(path)) {
        throw badRequest(`'${path.slice(0, 80)}' is not a CID or CID/path`);
      }
      const upstream = await ipfsOf(s).fetchContent(
        path.split("/").map(encodeURIComponent).join("/"),
      );
      if (!upstream.ok) {
        const text = await upstream.text().catch(() => "");
        throw new HttpError(
          upstream.status === 404 ? 404 : 502,
          upstream.status === 404 ? "Not found" : "IPFS error",
          `the IPFS gateway answered ${upstream.status} for ${path}: ${text.slice(0, 200)}`,
        );
      }
      // Uploaded content is untrusted: sandboxed, so an HTML file cannot act as the dashboard.
      r.response.writeHead(200, {
        "content-type": upstream.headers.get("content-type") ?? "application/octet-stream",
        "content-security-policy": "sandbox; default-src 'none'; img-src 'self'; media-src 'self'",
        "x-content-type-options": "nosniff",
      });
      if (upstream.body === null) r.response.end();
      else Readable.fromWeb(upstream.body as NodeReadableStream).pipe(r.response);
      return { written: true };
    },
  },
  {
    method: "GET",
    path: /^\/metrics-charts$/,
    name: "metrics-charts",
    handle: async (s) => ({ page: metricsPage(s) }),
  },
  {
    method: "GET",
    path: /^\/api\/metrics$/,
    name: "api-metrics",
    handle: async (s) => ({ json: { samples: s.history.samples() } }),
  },
  {
    method: "GET",
    path: /^\/login$/,
    name: "login",
    public: true,
    handle: async (s, r) => ({
      page: loginPage(r.page, s.token, safeNext(r.url.searchParams.get("next")), false),
    }),
  },
  {
    method: "POST",
    path: /^\/login$/,
    name: "login-post",
    public: true,
    maxBody: FORM_MAX,
    handle: async (s, r) => {
      const next = safeNext(field(r.form, "next"));
      if (r.login(field(r.form, "token"))) return { redirect: next };
      s.logger.warn("dashboard login with a wrong token");
      return { page: loginPage(r.page, s.token, next, true), status: 401 };
    },
  },
  {
    method: "POST",
    path: /^\/logout$/,
    name: "logout",
    handle: async (_s, r) => {
      r.logout();
      return { redirect: "/" };
    },
  },
];

function ipfsOf(s: DashboardServices) {
  if (s.ipfs === undefined) {
    throw badRequest("this stack has no IPFS node: add storage.ipfs");
  }
  return s.ipfs;
}

export const DEFAULT_FORM_MAX = FORM_MAX;
