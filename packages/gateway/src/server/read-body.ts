import type { IncomingMessage } from "node:http";

export type BodyResult =
  | { ok: true; text: string }
  | { ok: false; reason: "too-large" | "aborted" };

/** Reads a request body up to `maxBytes`; stops reading as soon as the limit is passed. */
export function readBody(request: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  const declared = Number(request.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) {
    return Promise.resolve({ ok: false, reason: "too-large" });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (result: BodyResult) => {
      if (done) return;
      done = true;
      resolve(result);
    };
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        request.pause();
        finish({ ok: false, reason: "too-large" });
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () =>
      finish({ ok: true, text: Buffer.concat(chunks, size).toString("utf8") }),
    );
    request.on("error", () => finish({ ok: false, reason: "aborted" }));
    request.on("close", () => finish({ ok: false, reason: "aborted" }));
  });
}
