/**
 * The logging surface the embedded nodes need. A pino logger satisfies it; so does
 * anything with the same `(obj, msg)` shape. `debug` is optional because request
 * logging is only ever emitted at that level.
 */
export interface EmbeddedLogger {
  debug?: (obj: object, msg?: string) => void;
  info: (obj: object, msg?: string) => void;
  warn: (obj: object, msg?: string) => void;
  error: (obj: object, msg?: string) => void;
}

export function createSilentLogger(): EmbeddedLogger {
  const ignore = (): void => {};
  return { debug: ignore, info: ignore, warn: ignore, error: ignore };
}
