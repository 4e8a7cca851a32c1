/**
 * Turns an allow-list into a predicate. Entries are exact method names or prefixes ending in
 * `*` ("eth_*", "eth_get*"); a lone "*" allows everything. No list means no restriction.
 */
export function createMethodAllowList(
  patterns: readonly string[] | undefined,
): (method: string) => boolean {
  if (patterns === undefined) return () => true;
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const pattern of patterns) {
    if (pattern.endsWith("*")) prefixes.push(pattern.slice(0, -1));
    else exact.add(pattern);
  }
  return (method) => exact.has(method) || prefixes.some((prefix) => method.startsWith(prefix));
}
