/**
 * LRU cache bounded by the bytes of its keys and values (JSON text, counted as UTF-16 code
 * units × 2, which is what V8 holds for non-Latin-1 strings and an upper bound otherwise).
 * A Map keeps insertion order, so re-inserting on read makes the first key the least recent.
 */
export interface ByteLruCache {
  get(key: string): string | undefined;
  set(key: string, value: string): void;
  readonly bytes: number;
  readonly size: number;
  clear(): void;
}

const ENTRY_OVERHEAD_BYTES = 64;

export function createByteLruCache(maxBytes: number): ByteLruCache {
  const entries = new Map<string, string>();
  let bytes = 0;
  const sizeOf = (key: string, value: string) =>
    (key.length + value.length) * 2 + ENTRY_OVERHEAD_BYTES;

  return {
    get(key) {
      const value = entries.get(key);
      if (value === undefined) return undefined;
      entries.delete(key);
      entries.set(key, value);
      return value;
    },
    set(key, value) {
      const size = sizeOf(key, value);
      if (size > maxBytes) return;
      const previous = entries.get(key);
      if (previous !== undefined) {
        entries.delete(key);
        bytes -= sizeOf(key, previous);
      }
      entries.set(key, value);
      bytes += size;
      for (const [oldKey, oldValue] of entries) {
        if (bytes <= maxBytes) break;
        entries.delete(oldKey);
        bytes -= sizeOf(oldKey, oldValue);
      }
    },
    get bytes() {
      return bytes;
    },
    get size() {
      return entries.size;
    },
    clear() {
      entries.clear();
      bytes = 0;
    },
  };
}
