/** Guards for reading raw (not yet validated) stack data in the cross-field checks. */

export type RawRecord = Record<string, unknown>;

export function asRecord(value: unknown): RawRecord | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as RawRecord)
    : undefined;
}

/** `[key, value]` pairs of a mapping, or none when `value` is not one. */
export function entriesOf(value: unknown): [string, unknown][] {
  const record = asRecord(value);
  return record === undefined ? [] : Object.entries(record);
}

export function has(record: RawRecord | undefined, key: string): boolean {
  return record !== undefined && Object.hasOwn(record, key);
}

/** Names of the chains with `type: ethereum`, in declaration order. */
export function ethereumChains(stack: RawRecord): string[] {
  return entriesOf(stack.chains)
    .filter(([, chain]) => asRecord(chain)?.type === "ethereum")
    .map(([name]) => name);
}

export const SERVICE_NAMES = ["gateway", "indexer", "dashboard", "wallet", "monitoring"] as const;
