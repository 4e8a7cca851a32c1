/** Which browser origins may call the gateway. No config: no CORS headers at all. */
export interface CorsPolicy {
  /** The value for Access-Control-Allow-Origin, or undefined when the origin is not allowed. */
  allowOrigin(origin: string | undefined): string | undefined;
}

export function createCorsPolicy(config: { origins: readonly string[] } | undefined): CorsPolicy {
  const origins = new Set(config?.origins ?? []);
  const any = origins.has("*");
  return {
    allowOrigin(origin) {
      if (origin === undefined) return undefined;
      if (any) return "*";
      return origins.has(origin) ? origin : undefined;
    },
  };
}
