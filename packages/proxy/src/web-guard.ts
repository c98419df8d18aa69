import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * The local proxy's defences against hostile web pages (security.md threat 3): exact Host allowlist
 * against DNS rebinding, exact Origin allowlist against cross-site WebSocket hijacking, and the CLI's
 * per-run 256-bit credential compared in constant time (browsers use a session cookie instead:
 * browser-sessions.ts).
 */
export class WebGuard {
  readonly credential: string;
  readonly #hosts: Set<string>;
  readonly #origins: Set<string>;
  readonly #credentialDigest: Buffer;

  constructor(port: number, credential: string = randomBytes(32).toString('hex')) {
    this.credential = credential;
    const hosts = [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
    this.#hosts = new Set(hosts);
    this.#origins = new Set(hosts.map((h) => `http://${h}`));
    this.#credentialDigest = digest(credential);
  }

  hostAllowed(host: string | undefined): boolean {
    return host !== undefined && this.#hosts.has(host.toLowerCase());
  }

  /**
   * Browsers always send Origin on WebSocket handshakes, so a foreign one is refused. A missing Origin
   * means a non-browser client (the CLI, a bot): allowed here, and still held to the credential.
   */
  originAllowed(origin: string | string[] | undefined): boolean {
    if (origin === undefined) return true;
    if (Array.isArray(origin)) return false;
    return this.#origins.has(origin);
  }

  credentialValid(candidate: unknown): boolean {
    if (typeof candidate !== 'string' || candidate.length === 0 || candidate.length > 256) return false;
    // Compare fixed-length digests so neither length nor content leaks through timing.
    return timingSafeEqual(digest(candidate), this.#credentialDigest);
  }

  requestAllowed(req: IncomingMessage): boolean {
    return this.hostAllowed(req.headers.host) && this.originAllowed(req.headers.origin);
  }
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}
