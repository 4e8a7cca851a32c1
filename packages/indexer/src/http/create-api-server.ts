import http, { type IncomingMessage, type ServerResponse } from "node:http";
import { CryptoKubeError } from "@cryptokube/core";
import type { Logger } from "pino";
import type { ContractRegistry, RegisteredContract } from "../abi/contract-registry.ts";
import type { ContractService } from "../abi/contract-service.ts";
import type { IndexerMetrics } from "../metrics/create-metrics.ts";
import type { ReadQueries } from "../store/read-queries.ts";
import type { Deliverer } from "../subscriptions/create-deliverer.ts";
import type { SubscriptionStore } from "../subscriptions/subscription-store.ts";
import type { SyncStatus } from "../sync/create-syncer.ts";
import { badRequest, HttpError, notFound } from "./http-error.ts";
import { addressParam, intParam } from "./query-params.ts";
import { readJsonBody } from "./read-json-body.ts";

export interface ApiContext {
  queries: ReadQueries;
  registry: ContractRegistry;
  contracts: ContractService;
  subscriptions: SubscriptionStore;
  deliverer: Deliverer;
  metrics: IndexerMetrics;
  logger: Logger;
  status(): SyncStatus;
  ready(): { ready: boolean; reason?: string };
}

const JSON_HEADERS = { "content-type": "application/json; charset=utf-8" };
const MAX_BODY_BYTES = 5 * 1024 * 1024;
const HASH = /^0x[0-9a-fA-F]{64}$/;

type Handler = (match: string[], url: URL, request: IncomingMessage) => Promise<Answer>;
interface Answer {
  status?: number;
  body?: unknown;
}
interface Route {
  method: string;
  pattern: RegExp;
  handler: Handler;
}

/**
 * The indexer's HTTP side: /healthz, /readyz, /metrics and the REST API under /api. JSON in
 * and out; every failure becomes `{error}` with a 4xx/5xx status in one place.
 */
export function createApiServer(ctx: ApiContext): http.Server {
  const { queries } = ctx;
  const limitOf = (url: URL) =>
    intParam(url.searchParams, "limit", { min: 1, max: 500, fallback: 20 })!;

  const contractJson = (c: RegisteredContract) => ({
    name: c.name,
    address: c.address,
    source: c.source,
    abi: c.abi,
  });

  const routes: Route[] = [
    { method: "GET", pattern: /^\/api\/status$/, handler: async () => ({ body: ctx.status() }) },
    {
      method: "GET",
      pattern: /^\/api\/blocks$/,
      handler: async (_m, url) => {
        const before = intParam(url.searchParams, "before", {
          min: 0,
          max: Number.MAX_SAFE_INTEGER,
        });
        return { body: { blocks: await queries.latestBlocks(limitOf(url), before) } };
      },
    },
    {
      method: "GET",
      pattern: /^\/api\/blocks\/([^/]+)$/,
      handler: async ([id]) => {
        let block: Awaited<ReturnType<ReadQueries["block"]>>;
        if (/^\d+$/.test(id!)) block = await queries.block({ number: Number(id) });
        else if (HASH.test(id!)) block = await queries.block({ hash: id!.toLowerCase() });
        else throw badRequest(`block id: expected a number or a 0x block hash, got '${id}'`);
        if (block === undefined) throw notFound(`block ${id} is not indexed`);
        return { body: { block } };
      },
    },
    {
      method: "GET",
      pattern: /^\/api\/txs$/,
      handler: async (_m, url) => ({ body: { txs: await queries.latestTxs(limitOf(url)) } }),
    },
    {
      method: "GET",
      pattern: /^\/api\/txs\/([^/]+)$/,
      handler: async ([hash]) => {
        if (!HASH.test(hash!))
          throw badRequest(`tx hash: expected 0x and 64 hex digits, got '${hash}'`);
        const tx = await queries.tx(hash!.toLowerCase());
        if (tx === undefined) throw notFound(`transaction ${hash} is not indexed`);
        return { body: { tx } };
      },
    },
    {
      method: "GET",
      pattern: /^\/api\/addresses\/([^/]+)$/,
      handler: async ([raw], url) => ({
        body: await queries.address(addressParam(raw!, "address"), limitOf(url)),
      }),
    },
    {
      method: "GET",
      pattern: /^\/api\/events$/,
      handler: async (_m, url) => {
        const address = url.searchParams.get("address");
        const event = url.searchParams.get("event");
        const events = await queries.events({
          limit: limitOf(url),
          ...(address ? { address: addressParam(address, "address") } : {}),
          ...(event ? { event } : {}),
        });
        return { body: { events } };
      },
    },
    {
      method: "GET",
      pattern: /^\/api\/search$/,
      handler: async (_m, url) => {
        const q = url.searchParams.get("q");
        if (q === null || q.trim() === "")
          throw badRequest("q: give a block number, a hash or an address");
        return { body: await queries.search(q) };
      },
    },
    {
      method: "GET",
      pattern: /^\/api\/contracts$/,
      handler: async () => ({ body: { contracts: ctx.registry.list().map(contractJson) } }),
    },
    {
      method: "GET",
      pattern: /^\/api\/contracts\/([^/]+)$/,
      handler: async ([raw]) => {
        const contract = ctx.registry.get(addressParam(raw!, "address"));
        if (contract === undefined) throw notFound(`no contract registered at ${raw}`);
        return { body: { contract: contractJson(contract) } };
      },
    },
    {
      method: "POST",
      pattern: /^\/api\/contracts$/,
      handler: async (_m, _url, request) => {
        const body = await readJsonBody(request, MAX_BODY_BYTES);
        if (body === null || typeof body !== "object" || Array.isArray(body)) {
          throw badRequest("expected a JSON object {name, address, abi}");
        }
        const input = body as Record<string, unknown>;
        try {
          const contract = await ctx.contracts.register(
            { name: input.name, address: input.address, abi: input.abi },
            "api",
          );
          return { status: 201, body: { contract: contractJson(contract) } };
        } catch (error) {
          if (error instanceof CryptoKubeError && error.code === "INDEXER_ABI_INVALID") {
            ctx.logger.warn({ error: error.message }, "contract registration refused");
            throw badRequest(error.message);
          }
          throw error;
        }
      },
    },
    {
      method: "GET",
      pattern: /^\/api\/subscriptions$/,
      handler: async () => ({ body: { subscriptions: await ctx.subscriptions.list() } }),
    },
    {
      method: "POST",
      pattern: /^\/api\/subscriptions$/,
      handler: async (_m, _url, request) => {
        const body = await readJsonBody(request, MAX_BODY_BYTES);
        if (body === null || typeof body !== "object" || Array.isArray(body)) {
          throw badRequest("expected a JSON object {url, filter, fromBlock?}");
        }
        const input = body as Record<string, unknown>;
        try {
          const { subscription, replay } = await ctx.subscriptions.create({
            url: input.url,
            filter: input.filter,
            fromBlock: input.fromBlock,
          });
          ctx.deliverer.ensure(subscription.id);
          return {
            status: 201,
            body: { id: subscription.id, subscription, ...(replay === null ? {} : { replay }) },
          };
        } catch (error) {
          if (error instanceof CryptoKubeError && error.code === "INDEXER_BAD_REQUEST") {
            throw badRequest(error.message);
          }
          // A well-formed request whose replay is too large: the client must change it.
          if (error instanceof CryptoKubeError && error.code === "INDEXER_REPLAY_TOO_LARGE") {
            throw new HttpError(422, error.message);
          }
          throw error;
        }
      },
    },
    {
      method: "GET",
      pattern: /^\/api\/subscriptions\/([^/]+)$/,
      handler: async ([id]) => {
        const subscription = await ctx.subscriptions.get(id!);
        if (subscription === undefined) throw notFound(`no subscription ${id}`);
        return { body: { subscription } };
      },
    },
    {
      method: "DELETE",
      pattern: /^\/api\/subscriptions\/([^/]+)$/,
      handler: async ([id]) => {
        ctx.deliverer.stop(id!);
        if (!(await ctx.subscriptions.remove(id!))) throw notFound(`no subscription ${id}`);
        return { status: 204 };
      },
    },
  ];

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://indexer");
    const path = url.pathname;
    if (request.method === "GET" && path === "/healthz") {
      return send(response, 200, { status: "ok" });
    }
    if (request.method === "GET" && path === "/readyz") {
      const ready = ctx.ready();
      return send(response, ready.ready ? 200 : 503, {
        status: ready.ready ? "ready" : "not ready",
        ...ready,
      });
    }
    if (request.method === "GET" && path === "/metrics") {
      const text = await ctx.metrics.registry.metrics();
      response.writeHead(200, { "content-type": ctx.metrics.registry.contentType }).end(text);
      return;
    }
    let methodMismatch = false;
    for (const route of routes) {
      const match = route.pattern.exec(path);
      if (match === null) continue;
      if (route.method !== request.method) {
        methodMismatch = true;
        continue;
      }
      const answer = await route.handler(match.slice(1).map(decodeURIComponent), url, request);
      if (answer.status === 204) {
        response.writeHead(204).end();
        return;
      }
      return send(response, answer.status ?? 200, answer.body);
    }
    if (methodMismatch) throw new HttpError(405, `${request.method} is not allowed on ${path}`);
    throw notFound(`no such endpoint: ${request.method} ${path}`);
  }

  return http.createServer((request, response) => {
    serve(request, response).catch((error: unknown) => {
      if (response.headersSent) {
        response.destroy();
        return;
      }
      if (error instanceof HttpError) {
        send(response, error.status, { error: error.message });
        return;
      }
      ctx.logger.error({ err: error, url: request.url }, "API request failed");
      const message = error instanceof CryptoKubeError ? error.message : "internal indexer error";
      send(response, error instanceof CryptoKubeError && error.retryable ? 503 : 500, {
        error: message,
      });
    });
  });
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, JSON_HEADERS).end(JSON.stringify(body));
}
