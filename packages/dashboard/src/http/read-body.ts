/**
 * Request bodies as web-standard FormData, parsed by Node's own fetch
 * implementation (urlencoded and multipart), with a size limit enforced while
 * streaming so a large upload cannot exhaust memory.
 */
import type { IncomingMessage } from "node:http";
import { Readable } from "node:stream";
import { HttpError } from "./http-error.ts";

export async function readForm(request: IncomingMessage, maxBytes: number): Promise<FormData> {
  const declared = Number(request.headers["content-length"] ?? "0");
  if (declared > maxBytes) throw tooLarge(maxBytes);
  let seen = 0;
  const limited = Readable.from(
    (async function* () {
      for await (const chunk of request) {
        seen += (chunk as Buffer).length;
        if (seen > maxBytes) throw tooLarge(maxBytes);
        yield chunk as Buffer;
      }
    })(),
  );
  const web = new Request("http://dashboard.invalid/", {
    method: "POST",
    headers: { "content-type": request.headers["content-type"] ?? "" },
    body: Readable.toWeb(limited) as ReadableStream<Uint8Array>,
    duplex: "half",
  });
  try {
    return await web.formData();
  } catch (error) {
    if (error instanceof HttpError) throw error;
    if ((error as Error).cause instanceof HttpError) throw (error as Error).cause;
    throw new HttpError(
      400,
      "Bad request",
      "the form could not be read: send it as application/x-www-form-urlencoded or multipart/form-data",
      { cause: error },
    );
  }
}

function tooLarge(maxBytes: number): HttpError {
  return new HttpError(
    413,
    "Too large",
    `the request body is over ${Math.round(maxBytes / 1024 / 1024)} MiB; send a smaller file`,
  );
}

/** A text field of a form, trimmed; "" when absent or a file. */
export function field(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value.trim() : "";
}
