import type { IncomingMessage } from "node:http";
import { KuboApiError } from "./kubo-error.ts";

export interface UploadedEntry {
  /** Path as the client sent it (URI-decoded); undefined for an unnamed single file. */
  path: string | undefined;
  /** undefined for a directory part (Content-Type application/x-directory). */
  content: Uint8Array | undefined;
}

/**
 * Reads the multipart/form-data body of a Kubo `add` request (parts named file,
 * file-1, dir-2... with URI-encoded filenames, as kubo-rpc-client and curl -F send
 * them) using the platform's web-standard multipart parser.
 */
export async function readMultipartFiles(
  request: IncomingMessage,
  maxBytes: number,
): Promise<UploadedEntry[]> {
  const contentType = request.headers["content-type"] ?? "";
  if (!contentType.toLowerCase().startsWith("multipart/form-data")) {
    throw new KuboApiError(
      "file argument 'path' is required (send a multipart/form-data body)",
      "client",
    );
  }
  let form: FormData;
  try {
    form = await new Request("http://ipfs.local/", {
      method: "POST",
      headers: { "content-type": contentType },
      body: ReadableStream.from(limitSize(request, maxBytes)),
      duplex: "half",
    } as RequestInit).formData();
  } catch (cause) {
    if (cause instanceof KuboApiError) throw cause;
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new KuboApiError(`could not read the multipart body: ${reason}`, "client", {
      cause: cause,
    });
  }
  const entries: UploadedEntry[] = [];
  for (const [, value] of form.entries()) {
    if (typeof value === "string") {
      entries.push({ path: undefined, content: new TextEncoder().encode(value) });
      continue;
    }
    const path = decodePath(value.name);
    const isDirectory = value.type === "application/x-directory";
    entries.push({
      path,
      content: isDirectory ? undefined : new Uint8Array(await value.arrayBuffer()),
    });
  }
  if (entries.length === 0) {
    throw new KuboApiError(
      "file argument 'path' is required (the multipart body has no parts)",
      "client",
    );
  }
  return entries;
}

function decodePath(name: string): string | undefined {
  if (name === "") return undefined;
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

async function* limitSize(
  source: AsyncIterable<Buffer>,
  maxBytes: number,
): AsyncGenerator<Uint8Array> {
  let total = 0;
  for await (const chunk of source) {
    total += chunk.length;
    if (total > maxBytes) {
      throw new KuboApiError(`request body larger than ${maxBytes} bytes`, "client");
    }
    yield chunk;
  }
}
