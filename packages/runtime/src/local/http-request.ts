/**
 * One short HTTP request without connection pooling: probes must never keep a
 * socket (and so the event loop, or a server's close()) alive after they answer.
 */
import { request } from "node:http";

export interface HttpAnswer {
  status: number;
  body: string;
}

export function httpRequest(
  url: string,
  options: { method?: string; body?: string; timeoutMs: number },
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> =
      options.body === undefined ? {} : { "content-type": "application/json" };
    const req = request(url, { method: options.method ?? "GET", agent: false, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
      );
      res.on("error", reject);
    });
    req.setTimeout(options.timeoutMs, () =>
      req.destroy(new Error(`no answer within ${options.timeoutMs}ms`)),
    );
    req.on("error", reject);
    req.end(options.body);
  });
}
