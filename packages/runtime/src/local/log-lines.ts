/**
 * One log line as stored and shown: log files hold `<ISO time> <text>` per line,
 * so `logs --since` and the merged, time-ordered view work across components.
 */
export interface LogLine {
  /** Epoch milliseconds. */
  time: number;
  /** Component name, or "supervisor" for the supervisor's own events. */
  source: string;
  text: string;
}

const STAMPED = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z) (.*)$/s;

export function stampLine(line: LogLine): string {
  return `${new Date(line.time).toISOString()} ${line.text}\n`;
}

/**
 * Parses a stored line. Lines without a timestamp (a crash trace written straight
 * to the file) inherit the time of the line before them.
 */
export function parseStampedLine(raw: string, source: string, previousTime: number): LogLine {
  const match = STAMPED.exec(raw);
  if (match === null) return { time: previousTime, source, text: raw };
  return { time: Date.parse(match[1] ?? ""), source, text: match[2] ?? "" };
}
