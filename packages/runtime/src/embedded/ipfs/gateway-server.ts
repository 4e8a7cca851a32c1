import { createServer, type ServerResponse } from "node:http";
import type { UnixFS } from "@helia/unixfs";
import type { CID } from "multiformats/cid";
import type { EmbeddedLogger } from "../logger.ts";
import { parseContentPath } from "./content-path.ts";
import { isNotLocalError, KuboApiError } from "./kubo-error.ts";
import type { HeliaRepo } from "./open-helia-repo.ts";
import { openUnixfsFile } from "./read-unixfs.ts";
import { sniffContentType } from "./sniff-content-type.ts";

/**
 * Read-only path gateway: GET/HEAD /ipfs/<cid>[/path], answered only from the local
 * repo (an unknown CID is a 404, never a network fetch). Directories serve their
 * index.html or a listing, as Kubo's gateway does.
 */
export function createGatewayServer(context: { repo: HeliaRepo; logger: EmbeddedLogger }) {
  const { repo, logger } = context;
  return createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://gateway.local");
    const serve = async (): Promise<void> => {
      if (request.method !== "GET" && request.method !== "HEAD") {
        response.setHeader("allow", "GET, HEAD");
        sendText(response, 405, "method not allowed: the gateway is read-only");
        return;
      }
      if (!url.pathname.startsWith("/ipfs/")) {
        sendText(response, 404, "not found: request /ipfs/<cid>[/path]");
        return;
      }
      let target: ReturnType<typeof parseContentPath>;
      try {
        target = parseContentPath(decodeURIComponent(url.pathname));
      } catch (error) {
        sendText(response, 400, error instanceof Error ? error.message : "invalid path");
        return;
      }
      await serveContent(repo.fs, target.cid, target.path, url.pathname, request.method, response);
    };
    serve().catch((error: unknown) => {
      if (response.headersSent) {
        response.destroy();
        return;
      }
      if (
        isNotLocalError(error) ||
        (error instanceof KuboApiError && /not found/.test(error.message))
      ) {
        sendText(response, 404, `not found: ${url.pathname} is not in this node's repo`);
        return;
      }
      if (error instanceof Error && error.name === "NotUnixFSError") {
        sendText(
          response,
          501,
          `${url.pathname} is not UnixFS data; the gateway serves files and directories`,
        );
        return;
      }
      logger.warn({ err: error, path: url.pathname }, "ipfs gateway request failed");
      sendText(response, 500, error instanceof Error ? error.message : "internal error");
    });
  });
}

async function serveContent(
  fs: UnixFS,
  cid: CID,
  path: string,
  urlPath: string,
  method: string,
  response: ServerResponse,
): Promise<void> {
  const pathOption = path === "" ? {} : { path };
  const stat = await fs.stat(cid, { ...pathOption, offline: true });
  if (stat.type === "directory") {
    if (!urlPath.endsWith("/")) {
      response.writeHead(301, { location: `${urlPath}/` }).end();
      return;
    }
    const index = await findIndexHtml(fs, stat.cid);
    if (index === undefined) {
      await sendListing(fs, stat.cid, urlPath, method, response);
      return;
    }
    await sendFile(fs, index, "index.html", cid, method, response);
    return;
  }
  const fileName = path.split("/").at(-1) ?? "";
  await sendFile(fs, stat.cid, fileName, cid, method, response, stat.size);
}

async function findIndexHtml(fs: UnixFS, directory: CID): Promise<CID | undefined> {
  try {
    return (await fs.stat(directory, { path: "index.html", offline: true })).cid;
  } catch (error) {
    if (isNotLocalError(error)) return undefined;
    throw error;
  }
}

async function sendFile(
  fs: UnixFS,
  cid: CID,
  fileName: string,
  root: CID,
  method: string,
  response: ServerResponse,
  size?: bigint,
): Promise<void> {
  const { first, rest } = await openUnixfsFile(fs, cid, {});
  const headers: Record<string, string> = {
    "content-type": sniffContentType(fileName, first),
    etag: `"${cid}"`,
    "cache-control": "public, max-age=29030400, immutable",
    "x-ipfs-path": `/ipfs/${root}`,
  };
  if (size !== undefined) headers["content-length"] = size.toString();
  response.writeHead(200, headers);
  if (method === "HEAD") {
    response.end();
    return;
  }
  if (first !== undefined) response.write(first);
  for (let chunk = await rest.next(); !chunk.done; chunk = await rest.next()) {
    if (!response.write(chunk.value))
      await new Promise((resolve) => response.once("drain", resolve));
  }
  response.end();
}

async function sendListing(
  fs: UnixFS,
  directory: CID,
  urlPath: string,
  method: string,
  response: ServerResponse,
): Promise<void> {
  const rows: string[] = [];
  for await (const entry of fs.ls(directory, { offline: true })) {
    const name = escapeHtml(entry.name);
    rows.push(
      `<li><a href="${encodeURIComponent(entry.name)}">${name}</a> <small>${entry.cid}</small></li>`,
    );
  }
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(urlPath)}</title></head><body><h1>Index of ${escapeHtml(urlPath)}</h1><ul>${rows.join("")}</ul></body></html>`;
  response.writeHead(200, {
    "content-type": "text/html; charset=utf-8",
    "content-length": Buffer.byteLength(html),
    etag: `"DirIndex-${directory}"`,
  });
  response.end(method === "HEAD" ? undefined : html);
}

function sendText(response: ServerResponse, status: number, text: string): void {
  response
    .writeHead(status, {
      "content-type": "text/plain; charset=utf-8",
      "content-length": Buffer.byteLength(`${text}\n`),
    })
    .end(`${text}\n`);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
