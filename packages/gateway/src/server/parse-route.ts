/** `/<chain>` or `/<chain>/<apiKey>`; anything else is not an RPC route. */
export function parseRpcRoute(
  path: string,
): { chain: string; key: string | undefined } | undefined {
  const parts = path.split("/");
  if (parts[0] !== "" || parts.length < 2 || parts.length > 3) return undefined;
  const chain = parts[1];
  if (chain === undefined || chain === "") return undefined;
  const key = parts[2];
  return { chain, key: key === undefined || key === "" ? undefined : safeDecode(key) };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
