import { CloudEvent, HTTP } from "cloudevents";
import type { Logger } from "pino";
import { type Database, toNumber } from "../db/database.ts";
import type { IndexerMetrics } from "../metrics/create-metrics.ts";
import type { EventPayload } from "./outbox.ts";

export const EVENT_TYPE = "dev.cryptokube.event";
export const RETRACTED_TYPE = "dev.cryptokube.event.retracted";

export interface DelivererOptions {
  db: Database;
  logger: Logger;
  metrics: IndexerMetrics;
  /** CloudEvents `source`, e.g. /cryptokube/indexer/<chain>. */
  source: string;
  timeoutMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /** How often an idle worker looks for new rows without being woken. */
  idlePollMs?: number;
}

/**
 * One worker per subscription delivers its outbox rows in sequence order, each as a CloudEvent
 * in HTTP binary mode, moving the persisted cursor only after a 2xx answer (at least once).
 * A failing webhook retries with capped exponential backoff inside its own worker, so other
 * subscriptions keep flowing.
 */
export interface Deliverer {
  ensure(id: string): void;
  stop(id: string): void;
  /** New rows may be queued: idle workers look now. */
  wake(): void;
  close(): Promise<void>;
}

interface Worker {
  stopped: boolean;
  abort: AbortController;
  wake: () => void;
  done: Promise<void>;
}

interface OutboxRow {
  seq: unknown;
  kind: "event" | "retracted";
  block_hash: string;
  log_index: number;
  payload: EventPayload;
}

export function createDeliverer(options: DelivererOptions): Deliverer {
  const { db, logger, metrics } = options;
  const workers = new Map<string, Worker>();
  const idlePollMs = options.idlePollMs ?? 1_000;

  async function post(url: string, row: OutboxRow, stop: AbortSignal): Promise<void> {
    const retracted = row.kind === "retracted";
    const event = new CloudEvent({
      id: `${row.block_hash}:${row.log_index}${retracted ? ":retracted" : ""}`,
      source: options.source,
      type: retracted ? RETRACTED_TYPE : EVENT_TYPE,
      subject: row.payload.address,
      datacontenttype: "application/json",
      data: row.payload,
    });
    const message = HTTP.binary(event);
    const response = await fetch(url, {
      method: "POST",
      headers: message.headers as Record<string, string>,
      body: message.body as string,
      signal: AbortSignal.any([AbortSignal.timeout(options.timeoutMs), stop]),
    });
    // Drain the body so the connection can be reused.
    await response.arrayBuffer().catch(() => {});
    if (!response.ok) throw new Error(`webhook answered HTTP ${response.status}`);
  }

  function run(id: string, worker: Worker): Promise<void> {
    const sleep = (ms: number) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        worker.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    return (async () => {
      let failures = 0;
      while (!worker.stopped) {
        let rows: OutboxRow[];
        let url: string;
        let cursor: number;
        try {
          const [sub] = await db.query<{ url: string; delivered_seq: unknown }>(
            "SELECT url, delivered_seq FROM subscriptions WHERE id = $1",
            [id],
          );
          if (sub === undefined) return;
          url = sub.url;
          cursor = toNumber(sub.delivered_seq);
          rows = await db.query<OutboxRow>(
            `SELECT seq, kind, block_hash, log_index, payload FROM deliveries
             WHERE subscription_id = $1 AND seq > $2 ORDER BY seq LIMIT 100`,
            [id, cursor],
          );
        } catch (error) {
          if (worker.stopped) return;
          logger.warn({ err: error, subscription: id }, "cannot read the delivery outbox");
          await sleep(idlePollMs);
          continue;
        }
        if (rows.length === 0) {
          await sleep(idlePollMs);
          continue;
        }
        for (const row of rows) {
          if (worker.stopped) return;
          const seq = toNumber(row.seq);
          try {
            await post(url, row, worker.abort.signal);
          } catch (error) {
            if (worker.stopped) return;
            failures++;
            const message =
              (error as Error).name === "TimeoutError"
                ? `webhook timed out after ${options.timeoutMs} ms`
                : (error as Error).message;
            metrics.deliveryFailures.inc();
            const delay = Math.min(options.retryMaxMs, options.retryBaseMs * 2 ** (failures - 1));
            logger.warn(
              { subscription: id, seq, attempt: failures, retryInMs: delay, error: message },
              "event delivery failed; will retry",
            );
            await db
              .query(
                "UPDATE subscriptions SET failures = failures + 1, last_error = $2 WHERE id = $1",
                [id, message],
              )
              .catch(() => {});
            // Jitter spreads retries of many subscriptions to one endpoint.
            await sleep(delay * (0.8 + Math.random() * 0.4));
            break;
          }
          failures = 0;
          metrics.deliveries.inc({ type: row.kind });
          try {
            await db.query(
              "UPDATE subscriptions SET delivered_seq = $2, failures = 0, last_error = NULL WHERE id = $1 AND delivered_seq < $2",
              [id, seq],
            );
          } catch (error) {
            // The row will be sent again: at least once, never lost.
            logger.warn({ err: error, subscription: id }, "cannot store the delivery cursor");
            break;
          }
        }
      }
    })();
  }

  return {
    ensure(id) {
      if (workers.has(id)) return;
      const worker: Worker = {
        stopped: false,
        abort: new AbortController(),
        wake: () => {},
        done: Promise.resolve(),
      };
      worker.done = run(id, worker).catch((error: unknown) => {
        logger.error({ err: error, subscription: id }, "delivery worker stopped unexpectedly");
      });
      workers.set(id, worker);
    },
    stop(id) {
      const worker = workers.get(id);
      if (worker === undefined) return;
      worker.stopped = true;
      worker.abort.abort();
      worker.wake();
      workers.delete(id);
    },
    wake() {
      for (const worker of workers.values()) worker.wake();
    },
    async close() {
      const done = [...workers.values()].map((worker) => {
        worker.stopped = true;
        worker.abort.abort();
        worker.wake();
        return worker.done;
      });
      workers.clear();
      await Promise.all(done);
    },
  };
}
