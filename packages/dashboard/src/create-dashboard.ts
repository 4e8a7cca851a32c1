/**
 * Builds a dashboard from its config: the data sources, sessions and the HTTP
 * server. Access rules live here, in one place: pages are open on a loopback
 * bind and need a login elsewhere; routes that sign need the token always;
 * every POST carries the session's CSRF token (and a same-origin Origin).
 */

import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join, resolve } from "node:path";
import { deriveAccounts } from "@cryptokube/core/eth";
import { type Logger, pino } from "pino";
import { createPublicClient, http } from "viem";
import { isLoopbackHost, readAccessToken } from "./access/access-token.ts";
import {
  createSessionStore,
  readCookie,
  SESSION_COOKIE,
  type Session,
  sessionCookie,
} from "./access/sessions.ts";
import { parseDashboardConfig } from "./config/parse-config.ts";
import type { DashboardConfig, DashboardConfigInput } from "./config/schema.ts";
import { escapeHtml, html } from "./http/html.ts";
import { HttpError } from "./http/http-error.ts";
import { readForm } from "./http/read-body.ts";
import { redirect, sendHtml, sendJson } from "./http/respond.ts";
import { createMetricsHistory } from "./metrics/metrics-history.ts";
import { createDashboardMetrics } from "./metrics/own-metrics.ts";
import { layout, type PageContext } from "./pages/layout.ts";
import { DEFAULT_FORM_MAX, ROUTES, type Route, type RouteResult } from "./routes.ts";
import type { DashboardServices } from "./services.ts";
import { createClusterSource } from "./sources/cluster-source.ts";
import { createContractRegistry } from "./sources/contract-registry.ts";
import { createIndexerClient } from "./sources/indexer-client.ts";
import { createIpfsClient } from "./sources/ipfs-client.ts";
import { createRedactor } from "./sources/redact.ts";
import { createWallet } from "./wallet/create-wallet.ts";

export interface DashboardOptions {
  /** Defaults to a silent logger. The mnemonic, keys and token are never logged. */
  logger?: Logger;
  /** Directory relative paths of the config (stateDir, tokenFile) resolve against; default cwd. */
  cwd?: string;
  /** This dashboard's component name in the stack (the supervisor sets CRYPTOKUBE_COMPONENT). */
  componentName?: string;
}

export interface Dashboard {
  readonly config: DashboardConfig;
  listen(): Promise<{ url: string }>;
  close(): Promise<void>;
}

const STATIC_DIR = join(import.meta.dirname, "..", "public");
const STATIC_FILES: Record<string, string> = {
  "/static/live.js": "text/javascript; charset=utf-8",
  "/static/style.css": "text/css; charset=utf-8",
};

export function createDashboard(
  input: DashboardConfigInput | DashboardConfig,
  options: DashboardOptions = {},
): Dashboard {
  const config = parseDashboardConfig(input);
  const logger = options.logger ?? pino({ level: "silent" });
  const cwd = options.cwd ?? process.cwd();
  const token = readAccessToken(resolve(cwd, config.tokenFile));
  if (token.problem !== undefined) {
    logger.warn(
      { problem: token.problem },
      "dashboard token unusable: logins and wallet actions are refused",
    );
  }
  // The devnet's accounts, derived here as the devnet funds them; their keys sign locally and
  // never leave this process.
  const walletAccounts =
    config.wallet?.mnemonic === undefined
      ? []
      : deriveAccounts(config.wallet.mnemonic, config.walletAccounts);
  const redact = createRedactor([
    ...(config.wallet?.mnemonic === undefined ? [] : [config.wallet.mnemonic]),
    ...walletAccounts.map((account) => account.privateKey),
    ...readTokenValue(resolve(cwd, config.tokenFile)),
  ]);
  const chain =
    config.chain === undefined
      ? undefined
      : createPublicClient({
          transport: http(config.chain.rpc, { timeout: 10_000, retryCount: 0 }),
        });
  const indexer = config.indexer === undefined ? undefined : createIndexerClient(config.indexer);
  const metricsOf = (name: string) => config.components.find((c) => c.name === name)?.metrics;
  const history = createMetricsHistory({
    ...(chain === undefined
      ? {}
      : { chainHead: async () => Number(await chain.getBlockNumber({ cacheTime: 0 })) }),
    ...(config.gateway === undefined
      ? {}
      : { gatewayMetrics: metricsOf("gateway") ?? `${config.gateway}/metrics` }),
    ...(config.indexer === undefined
      ? {}
      : { indexerMetrics: metricsOf("indexer") ?? `${config.indexer}/metrics` }),
    intervalMs: config.metricsIntervalMs,
    capacity: config.metricsSamples,
    logger,
  });
  const services: DashboardServices = {
    config,
    chain,
    indexer,
    contracts: createContractRegistry(indexer),
    ipfs:
      config.ipfs === undefined
        ? undefined
        : createIpfsClient(config.ipfs.api, config.ipfs.gateway),
    wallet:
      config.wallet === undefined
        ? undefined
        : createWallet({
            rpc: config.wallet.rpc,
            chainId: config.wallet.chainId,
            chainName: config.wallet.chain,
            accounts: walletAccounts,
            faucet: config.wallet.faucet,
            logger,
          }),
    history,
    redact,
    stackDir: config.stateDir === undefined ? undefined : dirname(resolve(cwd, config.stateDir)),
    cluster:
      config.kubernetes === undefined ? undefined : createClusterSource(config, config.kubernetes),
    self: options.componentName ?? "dashboard",
    token,
    logger,
  };
  const loginRequired = config.requireLogin || !isLoopbackHost(config.host);
  const sessions = createSessionStore();
  const metrics = createDashboardMetrics();
  const statics = new Map(
    Object.entries(STATIC_FILES).map(([path, type]) => [
      path,
      { type, body: readFileSync(join(STATIC_DIR, path.slice("/static/".length))) },
    ]),
  );

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<string> {
    const url = new URL(request.url ?? "/", "http://dashboard.invalid");
    const method = request.method ?? "GET";
    if (url.pathname === "/healthz" || url.pathname === "/readyz") {
      sendJson(response, 200, { ok: true });
      return "health";
    }
    if (url.pathname === "/metrics" && method === "GET") {
      response.writeHead(200, { "content-type": metrics.registry.contentType });
      response.end(await metrics.registry.metrics());
      return "metrics";
    }
    const file = statics.get(url.pathname);
    if (file !== undefined && method === "GET") {
      response.writeHead(200, { "content-type": file.type, "cache-control": "max-age=300" });
      response.end(file.body);
      return "static";
    }

    let session: Session =
      sessions.get(readCookie(request.headers.cookie, SESSION_COOKIE)) ?? newSession();
    function newSession(): Session {
      const created = sessions.create();
      response.setHeader("set-cookie", sessionCookie(created));
      return created;
    }
    const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? "")?.[1];
    const bearerOk = bearer !== undefined && token.matches(bearer);
    if (bearer !== undefined && !bearerOk) {
      throw new HttpError(
        401,
        "Unauthorized",
        "the bearer token is not the dashboard's access token",
      );
    }
    const authenticated = () => session.authenticated || bearerOk;
    const isApi = url.pathname.startsWith("/api/");
    const pageCtx = (): PageContext => ({
      stack: config.stack,
      csrf: session.csrf,
      authenticated: authenticated(),
      loginRequired,
      path: url.pathname,
    });

    const match = matchRoute(method, url.pathname);
    if (match === undefined) {
      const known = ROUTES.some((r) => r.path.test(url.pathname));
      throw known
        ? new HttpError(405, "Method not allowed", `${method} is not accepted on ${url.pathname}`)
        : new HttpError(404, "Not found", `there is no page at ${url.pathname}`);
    }
    const { route, params } = match;
    if (loginRequired && !route.public && !authenticated()) {
      if (method === "GET" && !isApi) {
        redirect(response, `/login?next=${encodeURIComponent(url.pathname + url.search)}`);
        return route.name;
      }
      throw new HttpError(
        401,
        "Login required",
        "this dashboard needs the access token: log in at /login",
      );
    }
    let form = new FormData();
    if (method === "POST") {
      checkOrigin(request);
      form = await readForm(request, route.maxBody ?? DEFAULT_FORM_MAX);
      const csrf = form.get("_csrf") ?? request.headers["x-csrf-token"];
      if (!bearerOk && csrf !== session.csrf) {
        throw new HttpError(
          403,
          "Form expired",
          "this form is not from your current session (or your session expired): reload the page and submit again",
        );
      }
      if (route.needsToken && !authenticated()) {
        metrics.walletActions.inc({ action: route.name, outcome: "denied" });
        throw new HttpError(
          401,
          "Token required",
          "sending, transacting and the faucet need the access token: log in first (see /login for where the token is)",
        );
      }
    }
    const result = await route.handle(services, {
      request,
      response,
      url,
      params: params.map((p) => safeDecode(p)),
      get page() {
        return pageCtx();
      },
      form,
      login(candidate) {
        if (!token.matches(candidate)) return false;
        session = sessions.rotate(session, true);
        response.setHeader("set-cookie", sessionCookie(session));
        logger.info("dashboard login");
        return true;
      },
      logout() {
        sessions.delete(session.id);
        session = newSession();
      },
    });
    if (route.needsToken) metrics.walletActions.inc({ action: route.name, outcome: "ok" });
    write(response, result, pageCtx());
    return route.name;
  }

  function write(response: ServerResponse, result: RouteResult, ctx: PageContext): void {
    if ("written" in result) return;
    if ("redirect" in result) redirect(response, result.redirect);
    else if ("json" in result) sendJson(response, result.status ?? 200, result.json);
    else sendHtml(response, result.status ?? 200, layout(ctx, result.page));
  }

  function checkOrigin(request: IncomingMessage): void {
    const origin = request.headers.origin;
    if (origin === undefined || origin === "null") return;
    let host: string;
    try {
      host = new URL(origin).host;
    } catch {
      host = "";
    }
    if (host !== request.headers.host) {
      throw new HttpError(
        403,
        "Cross-site request",
        "forms can only be posted from the dashboard's own pages",
      );
    }
  }

  function fail(request: IncomingMessage, response: ServerResponse, error: unknown): number {
    const known = error instanceof HttpError;
    const status = known ? error.status : 500;
    if (!known) {
      logger.error(
        { err: redact((error as Error)?.stack ?? String(error)), path: request.url },
        "dashboard request failed",
      );
    } else if (status >= 500) {
      logger.warn({ status, problem: redact(error.message) }, "dashboard upstream problem");
    }
    const title = known ? error.title : "Something went wrong";
    const message = redact(
      known ? error.message : "the dashboard hit an unexpected error; it is in the dashboard's log",
    );
    if (response.headersSent) {
      response.destroy();
      return status;
    }
    const path = new URL(request.url ?? "/", "http://x").pathname;
    if (path.startsWith("/api/") || request.headers.accept === "application/json") {
      sendJson(response, status, { error: message });
      return status;
    }
    const ctx: PageContext = {
      stack: config.stack,
      csrf: "",
      authenticated: false,
      loginRequired,
      path,
    };
    sendHtml(
      response,
      status,
      layout(ctx, {
        title,
        body: html`<p class="notice error" role="alert" id="error-message">${message}</p>
<p><a href="/">Stack</a>${status === 401 ? html` · <a href="/login?next=${escapeHtml(path)}">Log in</a>` : ""}</p>`,
      }),
    );
    return status;
  }

  const server = createServer((request, response) => {
    const stop = metrics.duration.startTimer();
    handle(request, response)
      .then((route) => {
        metrics.requests.inc({ route, status: String(response.statusCode) });
        stop({ route });
      })
      .catch((error: unknown) => {
        const status = fail(request, response, error);
        metrics.requests.inc({ route: "error", status: String(status) });
        stop({ route: "error" });
      });
  });
  server.headersTimeout = 30_000;
  server.requestTimeout = 120_000;

  return {
    config,
    async listen() {
      await new Promise<void>((resolveListen, reject) => {
        server.once("error", reject);
        server.listen(config.port, config.host, () => {
          server.off("error", reject);
          resolveListen();
        });
      });
      history.start();
      const { port } = server.address() as AddressInfo;
      const host = config.host.includes(":") ? `[${config.host}]` : config.host;
      const url = `http://${host}:${port}`;
      logger.info({ url, loginRequired }, "dashboard listening");
      return { url };
    },
    async close() {
      history.stop();
      await new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        server.closeAllConnections();
      });
    },
  };
}

function matchRoute(method: string, path: string): { route: Route; params: string[] } | undefined {
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const m = route.path.exec(path);
    if (m !== null) return { route, params: m.slice(1) };
  }
  return undefined;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The token value, only to keep it out of what the dashboard shows. */
function readTokenValue(file: string): string[] {
  try {
    const value = readFileSync(file, "utf8").trim();
    return value === "" ? [] : [value];
  } catch {
    return [];
  }
}
