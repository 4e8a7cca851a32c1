/**
 * Browser sessions: a random id in an HttpOnly SameSite=Strict cookie, a
 * per-session CSRF token that every form posts back, and whether the session
 * has presented the access token. In memory, bounded, per dashboard instance.
 */
import { randomBytes } from "node:crypto";

export interface Session {
  id: string;
  csrf: string;
  authenticated: boolean;
  expiresAt: number;
}

export interface SessionStore {
  get(id: string | undefined): Session | undefined;
  create(): Session;
  /** A new id for an existing session (after login), so a planted id is worthless. */
  rotate(session: Session, authenticated: boolean): Session;
  delete(id: string): void;
}

export const SESSION_COOKIE = "ck_session";

export function createSessionStore(
  options: { ttlMs?: number; max?: number; now?: () => number } = {},
): SessionStore {
  const ttlMs = options.ttlMs ?? 12 * 3600_000;
  const max = options.max ?? 1000;
  const now = options.now ?? Date.now;
  const sessions = new Map<string, Session>();
  const newId = () => randomBytes(24).toString("base64url");

  function put(session: Session): Session {
    // Map order is insertion order: the first entry is the oldest session.
    while (sessions.size >= max) {
      const oldest = sessions.keys().next().value;
      if (oldest === undefined) break;
      sessions.delete(oldest);
    }
    sessions.set(session.id, session);
    return session;
  }

  return {
    get(id) {
      if (id === undefined) return undefined;
      const session = sessions.get(id);
      if (session === undefined) return undefined;
      if (session.expiresAt <= now()) {
        sessions.delete(id);
        return undefined;
      }
      return session;
    },
    create() {
      return put({
        id: newId(),
        csrf: newId(),
        authenticated: false,
        expiresAt: now() + ttlMs,
      });
    },
    rotate(session, authenticated) {
      sessions.delete(session.id);
      return put({ id: newId(), csrf: newId(), authenticated, expiresAt: now() + ttlMs });
    },
    delete(id) {
      sessions.delete(id);
    },
  };
}

export function sessionCookie(session: Session): string {
  const maxAge = Math.max(0, Math.floor((session.expiresAt - Date.now()) / 1000));
  return `${SESSION_COOKIE}=${session.id}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}`;
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return rest.join("=");
  }
  return undefined;
}
