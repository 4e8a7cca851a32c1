/** Plain-English descriptions of YAML values and expected types for diagnostics. */

const MAX_SHOWN = 60;

/**
 * `found:` of a diagnostic whose value may be a secret; the formatter then also
 * masks the value in the source excerpt.
 */
export const VALUE_NOT_SHOWN = "(value not shown)";

function shorten(text: string): string {
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 3)}...` : text;
}

/** What the user wrote, with its YAML type: `the string "two"`, `a list`, `no value`. */
export function describeFound(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "no value";
  if (typeof value === "string") return `the string ${JSON.stringify(shorten(value))}`;
  if (typeof value === "number") return `the number ${String(value)}`;
  if (typeof value === "boolean") return `the boolean ${String(value)}`;
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return typeof value;
}

/** The value itself, for messages about values of the right type: `etherium`, `70000`. */
export function showValue(value: unknown): string {
  if (value === "") return '""';
  if (typeof value === "string") return shorten(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return describeFound(value);
}

const TYPE_NAMES: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "an integer",
  boolean: "true or false",
  object: "a mapping",
  record: "a mapping",
  map: "a mapping",
  array: "a list",
  null: "no value",
};

/** `a string`, `an integer`, `a mapping`... for a zod type name. */
export function describeExpectedType(type: string): string {
  return TYPE_NAMES[type] ?? `a ${type}`;
}

/** `a, b or c` */
export function joinAlternatives(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? "";
  return `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`;
}

/** `"a" | "b"` — how enums are listed in `expected:` lines. */
export function listOptions(values: readonly unknown[]): string {
  return values.map((v) => JSON.stringify(v)).join(" | ");
}

/** Lists up to this long are shown whole; longer ones are cut to their first MAX_LISTED names. */
const MAX_WHOLE = 20;
const MAX_LISTED = 12;

/**
 * `one of: a, b, c` — or `one of: a, b, ... (30 more)` for long lists. Reads
 * only the items it shows when `total` is given, so it is cheap on huge iterables.
 */
export function oneOf(items: Iterable<string>, total?: number): string {
  const listed: string[] = [];
  let count = 0;
  for (const item of items) {
    if (listed.length < MAX_WHOLE) listed.push(item);
    count++;
    if (total !== undefined && listed.length >= MAX_WHOLE) break;
  }
  const all = total ?? count;
  if (all <= MAX_WHOLE) return `one of: ${listed.join(", ")}`;
  return `one of: ${listed.slice(0, MAX_LISTED).join(", ")}, ... (${all - MAX_LISTED} more)`;
}
