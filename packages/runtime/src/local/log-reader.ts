/**
 * Reads a stack's log files back as one stream ordered by time, for
 * `cryptokube logs [--since] [--tail] [-f] [component…]`.
 */
import {
  closeSync,
  existsSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  statSync,
} from "node:fs";
import { basename } from "node:path";
import { type LogLine, parseStampedLine } from "./log-lines.ts";
import { stateLayout } from "./state-layout.ts";

export interface ReadLogsOptions {
  /** Only lines at or after this time (epoch ms). */
  since?: number;
  /** Only the last N lines of the merged stream. */
  tail?: number;
  /** Only these sources (component names, or "supervisor"); all when empty. */
  sources?: string[];
}

/** Sources that have a log file. */
export function logSources(stackDir: string): string[] {
  const dir = stateLayout(stackDir).logsDir;
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith(".log"))
    .map((name) => basename(name, ".log"))
    .sort();
}

export function readLogs(stackDir: string, options: ReadLogsOptions = {}): LogLine[] {
  const layout = stateLayout(stackDir);
  const lines: LogLine[] = [];
  for (const source of selectedSources(stackDir, options.sources)) {
    const text = readFileSync(layout.logFile(source), "utf8");
    lines.push(...parseLines(text, source, 0).lines);
  }
  return select(lines, options);
}

export interface FollowOptions extends ReadLogsOptions {
  signal: AbortSignal;
  onLines: (lines: LogLine[]) => void;
  intervalMs?: number;
}

/** Prints what is there (like readLogs), then new lines as they are written, until aborted. */
export async function followLogs(stackDir: string, options: FollowOptions): Promise<void> {
  const layout = stateLayout(stackDir);
  const offsets = new Map<string, { offset: number; partial: string; lastTime: number }>();
  const initial: LogLine[] = [];
  for (const source of selectedSources(stackDir, options.sources)) {
    const file = layout.logFile(source);
    const text = readFileSync(file, "utf8");
    const parsed = parseLines(text, source, 0);
    initial.push(...parsed.lines);
    offsets.set(source, {
      offset: Buffer.byteLength(text),
      partial: parsed.partial,
      lastTime: parsed.lastTime,
    });
  }
  options.onLines(select(initial, options));
  const wanted =
    options.sources !== undefined && options.sources.length > 0
      ? new Set(options.sources)
      : undefined;
  while (!options.signal.aborted) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, options.intervalMs ?? 200);
      options.signal.addEventListener(
        "abort",
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    });
    if (options.signal.aborted) break;
    const fresh: LogLine[] = [];
    for (const source of logSources(stackDir)) {
      if (wanted !== undefined && !wanted.has(source)) continue;
      const entry = offsets.get(source) ?? { offset: 0, partial: "", lastTime: 0 };
      const file = layout.logFile(source);
      const size = statSync(file).size;
      // A file that shrank was recreated (e.g. logs removed): read it from the start.
      if (size < entry.offset) Object.assign(entry, { offset: 0, partial: "" });
      if (size > entry.offset) {
        const chunk = readRange(file, entry.offset, size - entry.offset);
        entry.offset = size;
        const parsed = parseLines(entry.partial + chunk, source, entry.lastTime);
        entry.partial = parsed.partial;
        entry.lastTime = parsed.lastTime;
        fresh.push(...parsed.lines);
      }
      offsets.set(source, entry);
    }
    if (fresh.length > 0) options.onLines(fresh.sort((a, b) => a.time - b.time));
  }
}

function selectedSources(stackDir: string, sources: string[] | undefined): string[] {
  const all = logSources(stackDir);
  if (sources === undefined || sources.length === 0) return all;
  return all.filter((source) => sources.includes(source));
}

function select(lines: LogLine[], options: ReadLogsOptions): LogLine[] {
  // Array.prototype.sort is stable: lines of one file keep their order at equal times.
  let result = lines.sort((a, b) => a.time - b.time);
  if (options.since !== undefined) {
    const since = options.since;
    result = result.filter((line) => line.time >= since);
  }
  if (options.tail !== undefined) result = options.tail <= 0 ? [] : result.slice(-options.tail);
  return result;
}

function parseLines(
  text: string,
  source: string,
  startTime: number,
): { lines: LogLine[]; partial: string; lastTime: number } {
  const parts = text.split("\n");
  const partial = parts.pop() ?? "";
  const lines: LogLine[] = [];
  let lastTime = startTime;
  for (const raw of parts) {
    const line = parseStampedLine(raw, source, lastTime);
    lastTime = line.time;
    lines.push(line);
  }
  return { lines, partial, lastTime };
}

function readRange(file: string, offset: number, length: number): string {
  const fd = openSync(file, "r");
  try {
    const buffer = Buffer.alloc(length);
    const read = readSync(fd, buffer, 0, length, offset);
    return buffer.subarray(0, read).toString("utf8");
  } finally {
    closeSync(fd);
  }
}
