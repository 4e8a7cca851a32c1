import { createHash, timingSafeEqual } from "node:crypto";
import type { ApiKeyConfig } from "../config/schema.ts";
import { createMethodAllowList } from "./method-allow-list.ts";
import { createTokenBucket, type TokenBucket } from "./token-bucket.ts";

/** A configured key as the request path sees it; the key itself is never held, only its hash. */
export interface ApiKeyEntry {
  readonly name: string;
  readonly allows: (method: string) => boolean;
  readonly bucket: TokenBucket | undefined;
  readonly rateLimit: { rps: number; burst: number } | undefined;
}

export interface Keyring {
  /** Keys are required when at least one is configured. */
  readonly required: boolean;
  /** The entry whose hash matches the presented key, or undefined. */
  identify(presented: string | undefined): ApiKeyEntry | undefined;
}

const MAX_KEY_LENGTH = 256;

export function createKeyring(configs: readonly ApiKeyConfig[]): Keyring {
  const entries = configs.map((config) => {
    const rateLimit =
      config.rateLimit === undefined
        ? undefined
        : {
            rps: config.rateLimit.rps,
            burst: config.rateLimit.burst ?? Math.max(1, Math.ceil(config.rateLimit.rps)),
          };
    const entry: ApiKeyEntry = {
      name: config.name,
      allows: createMethodAllowList(config.methods),
      bucket:
        rateLimit === undefined
          ? undefined
          : createTokenBucket({ rate: rateLimit.rps, burst: rateLimit.burst }),
      rateLimit,
    };
    return { digest: Buffer.from(config.sha256, "hex"), entry };
  });
  return {
    required: entries.length > 0,
    identify(presented) {
      if (presented === undefined || presented.length === 0 || presented.length > MAX_KEY_LENGTH) {
        return undefined;
      }
      const digest = createHash("sha256").update(presented).digest();
      let found: ApiKeyEntry | undefined;
      // Every hash is compared, in constant time, so timing does not reveal which one matched.
      for (const { digest: expected, entry } of entries) {
        if (timingSafeEqual(digest, expected)) found = entry;
      }
      return found;
    },
  };
}

/** The hash to put in the config for a key (what `cryptokube` generates). */
export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}
