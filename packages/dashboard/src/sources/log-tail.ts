/**
 * The last lines of the supervisor's log files, reading only the end of each
 * file: a stack that has run for days has large logs, and the stack page
 * refreshes every few seconds.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { logSources, stateLayout } from "@cryptokube/runtime";

export interface LogEntry {
  time: number;
  source: string;
  text: string;
}

/** `<ISO time> <text>`, as the supervisor's log sink writes them. */
const STAMPED = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z) (.*)$/s;

export function tailLogs(
  stackDir: string,
  options: { lines: number; source?: string; bytesPerFile?: number },
): LogEntry[] {
  const layout = stateLayout(stackDir);
  const sources = logSources(stackDir).filter(
    (s) => options.source === undefined || s === options.source,
  );
  const entries: LogEntry[] = [];
  for (const source of sources) {
    entries.push(...tailFile(layout.logFile(source), source, options.bytesPerFile ?? 64 * 1024));
  }
  // Stable sort: lines of one file keep their order when their times tie.
  entries.sort((a, b) => a.time - b.time);
  return entries.slice(-options.lines);
}

function tailFile(file: string, source: string, maxBytes: number): LogEntry[] {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch {
    // Removed between listing and opening (down --volumes): nothing to show.
    return [];
  }
  try {
    const size = fstatSync(fd).size;
    const start = Math.max(0, size - maxBytes);
    const buffer = Buffer.alloc(size - start);
    readSync(fd, buffer, 0, buffer.length, start);
    const lines = buffer.toString("utf8").split("\n");
    if (start > 0) lines.shift(); // the first line is cut
    const out: LogEntry[] = [];
    let previous = 0;
    for (const raw of lines) {
      if (raw === "") continue;
      const match = STAMPED.exec(raw);
      const time = match === null ? previous : Date.parse(match[1] ?? "");
      out.push({ time, source, text: match === null ? raw : (match[2] ?? "") });
      previous = time;
    }
    return out;
  } finally {
    closeSync(fd);
  }
}
