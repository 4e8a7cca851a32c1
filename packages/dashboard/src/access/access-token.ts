/**
 * The dashboard's access token: a generated secret read from its file. Compared
 * in constant time; the value is never logged, rendered or returned.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";

export interface AccessToken {
  /** Where the token is, for the login page (the path, never the value). */
  readonly file: string;
  /** Why the token is unusable, when it is (the file is missing or empty). */
  readonly problem: string | undefined;
  matches(candidate: string): boolean;
}

export function readAccessToken(file: string): AccessToken {
  let digest: Buffer | undefined;
  let problem: string | undefined;
  try {
    const value = readFileSync(file, "utf8").trim();
    if (value === "") problem = `the token file ${file} is empty`;
    else digest = sha256(value);
  } catch (error) {
    problem = `the token file ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})`;
  }
  return {
    file,
    problem,
    matches(candidate) {
      if (digest === undefined || candidate === "") return false;
      return timingSafeEqual(sha256(candidate.trim()), digest);
    },
  };
}

function sha256(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

/** Loopback binds are reachable from this machine only: pages are open there. */
export function isLoopbackHost(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}
