import { randomBytes } from "node:crypto";
import type { Logger } from "pino";
import type { WebSocket } from "ws";
import type { SubscriptionSupport } from "../chains/chain-adapter.ts";
import { invalidParams, toRpcErrorObject } from "../rpc/errors.ts";
import type { JsonRpcRequest, RpcOutcome } from "../rpc/types.ts";
import { handleRpcBody, type RpcBodyContext } from "../server/handle-rpc-body.ts";
import type { HeadFeed } from "./head-feed.ts";
import { createSubscriptionListener } from "./subscription-listener.ts";

export interface WsSessionOptions {
  socket: WebSocket;
  body: Omit<RpcBodyContext, "intercept">;
  /** Undefined when the chain has no subscriptions. */
  subscriptions: { support: SubscriptionSupport; feed: HeadFeed } | undefined;
  maxBufferedBytes: number;
  logger: Logger;
}

/**
 * One client WebSocket: JSON-RPC requests served like HTTP bodies, plus subscriptions fed from
 * the chain's head feed. A client that does not read (its send buffer over the limit) is
 * disconnected instead of growing the gateway's memory.
 */
export function startWsSession(options: WsSessionOptions): void {
  const { socket, logger } = options;
  const chainName = options.body.chain.name;
  const active = new Map<string, () => void>();
  let closed = false;

  function send(text: string): void {
    if (closed) return;
    if (socket.bufferedAmount > options.maxBufferedBytes) {
      logger.warn({ chain: chainName }, "WebSocket client too slow; disconnecting");
      closed = true;
      socket.terminate();
      return;
    }
    try {
      socket.send(text);
    } catch (error) {
      logger.debug({ chain: chainName, err: error }, "WebSocket send failed");
    }
  }

  function notify(id: string, notificationMethod: string, result: unknown): void {
    send(
      JSON.stringify({
        jsonrpc: "2.0",
        method: notificationMethod,
        params: { subscription: id, result },
      }),
    );
  }

  function subscribe(request: JsonRpcRequest, afterAnswer: (() => void)[]): RpcOutcome {
    const subs = options.subscriptions!;
    const kind = subs.support.parseSubscribe(request.params);
    const id = `0x${randomBytes(16).toString("hex")}`;
    const { notificationMethod } = subs.support;
    const listener = createSubscriptionListener({
      request: kind,
      support: subs.support,
      context: options.body.chain.context,
      headResult: (head) => head.payload,
      deliver: (result) => notify(id, notificationMethod, result),
      logger,
      chainName,
    });
    // Attach only once the subscription id reached the client, so no notification precedes it.
    afterAnswer.push(() => {
      if (!closed) active.set(id, subs.feed.subscribe(listener));
    });
    return { ok: true, resultJson: JSON.stringify(id), source: "gateway" };
  }

  function unsubscribe(request: JsonRpcRequest): RpcOutcome {
    const id = Array.isArray(request.params) ? request.params[0] : undefined;
    if (typeof id !== "string") throw invalidParams("expected the subscription id as params[0]");
    const stop = active.get(id);
    stop?.();
    active.delete(id);
    return { ok: true, resultJson: stop === undefined ? "false" : "true", source: "gateway" };
  }

  socket.on("message", (data, isBinary) => {
    if (isBinary) {
      send(
        JSON.stringify({
          jsonrpc: "2.0",
          id: null,
          error: { code: -32700, message: "parse error: binary frames are not JSON-RPC" },
        }),
      );
      return;
    }
    const afterAnswer: (() => void)[] = [];
    const support = options.subscriptions?.support;
    const intercept = (request: JsonRpcRequest): Promise<RpcOutcome> | undefined => {
      if (support === undefined) return undefined;
      if (
        request.method !== support.subscribeMethod &&
        request.method !== support.unsubscribeMethod
      ) {
        return undefined;
      }
      try {
        return Promise.resolve(
          request.method === support.subscribeMethod
            ? subscribe(request, afterAnswer)
            : unsubscribe(request),
        );
      } catch (error) {
        return Promise.resolve({ ok: false, error: toRpcErrorObject(error), source: "gateway" });
      }
    };
    const text = Array.isArray(data)
      ? Buffer.concat(data).toString("utf8")
      : Buffer.from(data as ArrayBuffer).toString("utf8");
    void handleRpcBody(text, { ...options.body, intercept })
      .then((answer) => {
        if (answer.body !== undefined) send(answer.body);
        for (const attach of afterAnswer) attach();
      })
      .catch((error: unknown) =>
        logger.error({ chain: chainName, err: error }, "WebSocket request failed"),
      );
  });

  socket.on("close", () => {
    closed = true;
    for (const stop of active.values()) stop();
    active.clear();
  });
  socket.on("error", (error) =>
    logger.debug({ chain: chainName, err: error }, "WebSocket client error"),
  );
}
