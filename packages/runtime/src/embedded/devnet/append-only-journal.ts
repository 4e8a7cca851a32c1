import { closeSync, fsyncSync, ftruncateSync, openSync, readFileSync, writeSync } from "node:fs";
import { CryptoKubeError } from "@cryptokube/core";
import type { EmbeddedLogger } from "../logger.ts";

/**
 * A JSON-lines file that is only ever appended to, one fsync per entry, so a crash
 * (even `kill -9` mid-write) can at worst leave a torn last line. Opening the file
 * drops such a tail (truncating it away) and returns every complete entry.
 */
export interface AppendOnlyJournal<T> {
  readonly path: string;
  /** Complete entries found when the journal was opened, oldest first. */
  readonly entries: T[];
  /** Writes one entry and waits for it to be durable (fsync) before returning. */
  append(entry: T): void;
  close(): void;
}

export function openAppendOnlyJournal<T>(
  path: string,
  logger: EmbeddedLogger,
): AppendOnlyJournal<T> {
  const fd = openSync(path, "a+");
  let closed = false;
  try {
    const content = readFileSync(path);
    const { entries, validLength } = parseJournal<T>(content, path);
    if (validLength < content.length) {
      logger.warn(
        { path, droppedBytes: content.length - validLength },
        "devnet journal ended with an incomplete entry (interrupted write); dropping it",
      );
      ftruncateSync(fd, validLength);
      fsyncSync(fd);
    }
    return {
      path,
      entries,
      append(entry) {
        if (closed)
          throw new CryptoKubeError(`journal ${path} is closed`, { code: "DEVNET_CLOSED" });
        const buffer = Buffer.from(`${JSON.stringify(entry)}\n`);
        let offset = 0;
        while (offset < buffer.length) offset += writeSync(fd, buffer, offset);
        fsyncSync(fd);
      },
      close() {
        if (closed) return;
        closed = true;
        closeSync(fd);
      },
    };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

function parseJournal<T>(content: Buffer, path: string): { entries: T[]; validLength: number } {
  const entries: T[] = [];
  let start = 0;
  while (start < content.length) {
    const end = content.indexOf(0x0a, start);
    // No newline: the last write was interrupted before it completed.
    if (end === -1) break;
    const line = content.subarray(start, end).toString("utf8");
    try {
      entries.push(JSON.parse(line) as T);
    } catch (cause) {
      const isLast = end === content.length - 1;
      // A complete but unparsable last line can also come from a torn write.
      if (isLast) break;
      throw new CryptoKubeError(`devnet journal ${path} is corrupt at byte ${start}`, {
        code: "DEVNET_STATE_CORRUPT",
        hint: "an entry in the middle of the journal is unreadable (not a torn write); restore the file from a backup or start with --fresh to discard the state",
        cause,
      });
    }
    start = end + 1;
  }
  return { entries, validLength: start };
}
