/**
 * Writes every line of every component (and the supervisor's own events) to
 * `.cryptokube/logs/<source>.log`, timestamped, and hands it to a listener for
 * the live merged view.
 */
import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import { finished } from "node:stream/promises";
import { type LogLine, stampLine } from "./log-lines.ts";
import { stateLayout } from "./state-layout.ts";

export interface LogSink {
  write(source: string, text: string): LogLine;
  close(): Promise<void>;
}

export function createLogSink(
  stackDir: string,
  onLine?: (line: LogLine) => void,
  onError?: (error: Error) => void,
): LogSink {
  const layout = stateLayout(stackDir);
  mkdirSync(layout.logsDir, { recursive: true });
  const streams = new Map<string, WriteStream>();
  let closed = false;
  const streamFor = (source: string): WriteStream => {
    let stream = streams.get(source);
    if (stream === undefined) {
      stream = createWriteStream(layout.logFile(source), { flags: "a" });
      // A log that cannot be written (disk full, directory removed) must not take the stack down.
      stream.on("error", (error) => onError?.(error));
      streams.set(source, stream);
    }
    return stream;
  };
  return {
    write(source, text) {
      const line: LogLine = { time: Date.now(), source, text };
      if (!closed) streamFor(source).write(stampLine(line));
      onLine?.(line);
      return line;
    },
    async close() {
      closed = true;
      const all = [...streams.values()];
      streams.clear();
      await Promise.all(
        all.map((stream) => {
          stream.end();
          return finished(stream).catch(() => undefined);
        }),
      );
    },
  };
}
