/** Decoded ABI values as JSON: bigints become decimal strings, addresses lowercase hex. */
export function toJsonValue(value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "string")
    return /^0x[0-9a-fA-F]*$/.test(value) ? value.toLowerCase() : value;
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonValue(v)]));
  }
  return value;
}

/** Named arguments: by parameter name, or by position when a parameter has none. */
export function namedArgs(
  params: ReadonlyArray<{ name?: string | undefined }>,
  values: unknown,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const byPosition = Array.isArray(values);
  params.forEach((param, i) => {
    const key = param.name !== undefined && param.name !== "" ? param.name : String(i);
    const value = byPosition
      ? (values as unknown[])[i]
      : (values as Record<string, unknown> | undefined)?.[key];
    out[key] = toJsonValue(value);
  });
  return out;
}
