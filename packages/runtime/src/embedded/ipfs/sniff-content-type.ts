import { extname } from "node:path";

// The handful of types a local dapp gateway serves; anything else falls back to sniffing.
const BY_EXTENSION: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".htm": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".txt": "text/plain; charset=utf-8",
  ".md": "text/markdown; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".wasm": "application/wasm",
  ".pdf": "application/pdf",
  ".mp4": "video/mp4",
  ".woff2": "font/woff2",
};

const SIGNATURES: Array<{ bytes: number[]; type: string }> = [
  { bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], type: "image/png" },
  { bytes: [0xff, 0xd8, 0xff], type: "image/jpeg" },
  { bytes: [0x47, 0x49, 0x46, 0x38], type: "image/gif" },
  { bytes: [0x25, 0x50, 0x44, 0x46, 0x2d], type: "application/pdf" },
  { bytes: [0x00, 0x61, 0x73, 0x6d], type: "application/wasm" },
  { bytes: [0x1f, 0x8b], type: "application/gzip" },
  { bytes: [0x50, 0x4b, 0x03, 0x04], type: "application/zip" },
];

/**
 * Content type for a gateway response: from the file name's extension when it has a
 * known one, otherwise from the first bytes (magic numbers, HTML/SVG/JSON markers,
 * then text vs binary), like a browser's sniffing, in miniature.
 */
export function sniffContentType(fileName: string, head: Uint8Array | undefined): string {
  const byName = BY_EXTENSION[extname(fileName).toLowerCase()];
  if (byName !== undefined) return byName;
  if (head === undefined || head.length === 0) return "text/plain; charset=utf-8";
  for (const { bytes, type } of SIGNATURES) {
    if (bytes.every((byte, index) => head[index] === byte)) return type;
  }
  const text = new TextDecoder("utf-8", { fatal: false }).decode(head.subarray(0, 512));
  const start = text.trimStart().slice(0, 64).toLowerCase();
  if (start.startsWith("<!doctype html") || start.startsWith("<html")) {
    return "text/html; charset=utf-8";
  }
  if (start.startsWith("<svg") || (start.startsWith("<?xml") && text.includes("<svg"))) {
    return "image/svg+xml";
  }
  if (looksBinary(head.subarray(0, 512))) return "application/octet-stream";
  if (start.startsWith("{") || start.startsWith("[")) {
    try {
      JSON.parse(new TextDecoder().decode(head));
      return "application/json";
    } catch {
      // only a prefix of the file, or not JSON: plain text is the safe answer
    }
  }
  return "text/plain; charset=utf-8";
}

function looksBinary(bytes: Uint8Array): boolean {
  for (const byte of bytes) {
    if (byte === 0) return true;
    if (byte < 0x09 || (byte > 0x0d && byte < 0x20 && byte !== 0x1b)) return true;
  }
  return false;
}
