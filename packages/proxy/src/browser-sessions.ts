import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** A browser stays logged in this long after its login (then: `sealroom open` for a new link). */
export const SESSION_MAX_AGE_S = 30 * 24 * 3600;
const COOKIE_VALUE_RE = /^v1\.(\d{1,12})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;
const MAX_COOKIE_HEADER = 8192;

/**
 * Browser sessions as stateless cookies MACed with the data directory's session key, so that they survive
 * a proxy restart (an open tab reconnects, a bookmark works) and die when the key file is deleted.
 *
 * Cookies ignore ports: every local service on 127.0.0.1 shares one cookie jar, so any process listening on
 * another loopback port that the browser visits receives this cookie. The cookie alone therefore does not
 * open a session: the handshake must also carry the session's *page key* (`auth.session`), which the login
 * answer gave the page and the page keeps in localStorage — storage is per origin, port included, so no
 * other port's page can read it. The page key is a MAC of the cookie's id, so it is bound to that cookie.
 * The cookie's name carries the port (two proxies in one browser do not overwrite each other) and its MAC
 * covers the port.
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

  /**
   * A new session: the `Set-Cookie` value (HttpOnly: no script reads it; SameSite=Strict; host-only) and
   * the page key that the login answer hands to the page.
   */
  issue(): { setCookie: string; pageKey: string } {
    const issuedAt = Math.floor(this.#now() / 1000);
    const id = randomBytes(16).toString('base64url');
    const value = `v1.${issuedAt}.${id}.${this.#mac(issuedAt, id)}`;
    return {
      setCookie: `${this.cookieName}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${SESSION_MAX_AGE_S}`,
      pageKey: this.#pageKey(id),
    };
  }

  /**
   * 'none': no cookie of ours in the header; 'valid': one verifies, is within its age, and `pageKey` is
   * its page key; 'invalid': ours by name, but forged, foreign, from a revoked key, too old, or presented
   * without its page key (a cookie picked up by another port's server).
   */
  check(cookieHeader: string | undefined, pageKey: unknown): 'none' | 'valid' | 'invalid' {
    if (cookieHeader === undefined || cookieHeader.length > MAX_COOKIE_HEADER) return 'none';
    let seen = false;
    for (const part of cookieHeader.split(';')) {
      const eq = part.indexOf('=');
      if (eq < 0 || part.slice(0, eq).trim() !== this.cookieName) continue;
      seen = true;
      const id = this.#validId(part.slice(eq + 1).trim());
      if (id !== null && typeof pageKey === 'string' && equal(pageKey, this.#pageKey(id))) return 'valid';
    }
    return seen ? 'invalid' : 'none';
  }

  /** The cookie's session id if it verifies and is within its age, else null. */
  #validId(value: string): string | null {
    const m = COOKIE_VALUE_RE.exec(value);
    if (!m) return null;
    const issuedAt = Number(m[1]);
    const nowS = this.#now() / 1000;
    // A little slack for a clock that stepped back; never a cookie "issued" in the far future.
    if (issuedAt > nowS + 60 || nowS - issuedAt > SESSION_MAX_AGE_S) return null;
    return equal(m[3]!, this.#mac(issuedAt, m[2]!)) ? m[2]! : null;
  }

  #pageKey(id: string): string {
    return createHmac('sha256', this.#key).update(`sealroom-page-v1\n${this.#port}\n${id}`).digest('base64url');
  }

  #mac(issuedAt: number, id: string): string {
    return createHmac('sha256', this.#key).update(`sealroom-session-v1\n${this.#port}\n${issuedAt}\n${id}`).digest('base64url');
  }
}

/** Constant-time comparison of two base64url MACs (a wrong length is simply unequal). */
function equal(got: string, want: string): boolean {
  if (got.length !== want.length || got.length > 64) return false;
  return timingSafeEqual(Buffer.from(got, 'utf8'), Buffer.from(want, 'utf8'));
}
