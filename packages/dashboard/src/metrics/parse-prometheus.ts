/**
 * A small parser for the Prometheus text exposition format (0.0.4): samples
 * with their labels; comments, HELP and TYPE lines are skipped. Enough to read
 * the components' /metrics; malformed lines are skipped, not fatal.
 */
export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+\S+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?\s*/gy;

export function parsePrometheusText(text: string): PromSample[] {
  const samples: PromSample[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const match = SAMPLE.exec(line);
    if (match === null) continue;
    const [, name = "", , labelText = "", valueText = ""] = match;
    const labels = parseLabels(labelText);
    if (labels === undefined) continue;
    const value = parseValue(valueText);
    if (value === undefined) continue;
    samples.push({ name, labels, value });
  }
  return samples;
}

function parseLabels(text: string): Record<string, string> | undefined {
  const labels: Record<string, string> = {};
  LABEL.lastIndex = 0;
  let consumed = 0;
  for (let m = LABEL.exec(text); m !== null; m = LABEL.exec(text)) {
    labels[m[1] ?? ""] = (m[2] ?? "").replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
    consumed = LABEL.lastIndex;
  }
  return consumed === text.trim().length || text.trim() === "" ? labels : undefined;
}

function parseValue(text: string): number | undefined {
  if (text === "+Inf") return Number.POSITIVE_INFINITY;
  if (text === "-Inf") return Number.NEGATIVE_INFINITY;
  if (text === "NaN") return Number.NaN;
  const value = Number(text);
  return Number.isNaN(value) ? undefined : value;
}

/** Sum of every sample of a metric whose labels include `where`. */
export function sumOf(
  samples: readonly PromSample[],
  name: string | RegExp,
  where: Record<string, string> = {},
): number | undefined {
  let total: number | undefined;
  for (const s of samples) {
    const named = typeof name === "string" ? s.name === name : name.test(s.name);
    if (!named) continue;
    if (!Object.entries(where).every(([k, v]) => s.labels[k] === v)) continue;
    total = (total ?? 0) + s.value;
  }
  return total;
}
