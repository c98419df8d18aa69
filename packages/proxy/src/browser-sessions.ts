import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** A browser stays logged in this long after its login (then: `sealroom open` for a new link). */
export const SESSION_MAX_AGE_S = 30 * 24 * 3600;
const COOKIE_VALUE_RE = /^v1\.(\d{1,12})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;
const MAX_COOKIE_HEADER = 8192;

/**
 * Browser sessions as stateless cookies MACed with the data directory's session key, so that they survive
 * a proxy restart (an open tab reconnects, a bookmark works) and die when the key file is deleted.
 *
 * Cookies ignore ports: every local service on 127.0.0.1 shares one cookie jar. The cookie's name carries
 * the port (two proxies in one browser do not overwrite each other) and the MAC covers the port (a cookie
 * copied under another proxy's name does not verify there — nor would it with that proxy's own key).
 */
export class BrowserSessions {
  readonly cookieName: string;
  readonly #key: Buffer;
  readonly #port: number;
  readonly #now: () => number;

  constructor(key: Buffer, port: number, now: () => number = Date.now) {
    this.#key = key;
    this.#port = port;
    this.#now = now;
    this.cookieName = `sealroom_session_${port}`;
  }

  /** A `Set-Cookie` value for a new session: HttpOnly (no script reads it), SameSite=Strict, host-only. */
  issue(): string {
    const issuedAt = Math.floor(this.#now() / 1000);
    const id = randomBytes(16).toString('base64url');
    const value = `v1.${issuedAt}.${id}.${this.#mac(issuedAt, id)}`;
    return `${this.cookieName}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${SESSION_MAX_AGE_S}`;
  }

  /**
   * 'none': no cookie of ours in the header; 'valid': at least one verifies and is within its age;
   * 'invalid': ours by name, but forged, foreign, from a revoked key, or too old.
   */
  check(cookieHeader: string | undefined): 'none' | 'valid' | 'invalid' {
    if (cookieHeader === undefined || cookieHeader.length > MAX_COOKIE_HEADER) return 'none';
    let seen = false;
    for (const part of cookieHeader.split(';')) {
      const eq = part.indexOf('=');
      if (eq < 0 || part.slice(0, eq).trim() !== this.cookieName) continue;
      seen = true;
      if (this.#valid(part.slice(eq + 1).trim())) return 'valid';
    }
    return seen ? 'invalid' : 'none';
  }

  #valid(value: string): boolean {
    const m = COOKIE_VALUE_RE.exec(value);
    if (!m) return false;
    const issuedAt = Number(m[1]);
    const nowS = this.#now() / 1000;
    // A little slack for a clock that stepped back; never a cookie "issued" in the far future.
    if (issuedAt > nowS + 60 || nowS - issuedAt > SESSION_MAX_AGE_S) return false;
    const want = Buffer.from(this.#mac(issuedAt, m[2]!), 'base64url');
    const got = Buffer.from(m[3]!, 'base64url');
    return got.length === want.length && timingSafeEqual(got, want);
  }

  #mac(issuedAt: number, id: string): string {
    return createHmac('sha256', this.#key).update(`sealroom-session-v1\n${this.#port}\n${issuedAt}\n${id}`).digest('base64url');
  }
}
