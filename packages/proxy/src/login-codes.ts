import { createHash, randomBytes } from 'node:crypto';

/** How long a login link works: long enough to copy it from a terminal into a browser. */
export const LOGIN_CODE_TTL_MS = 5 * 60_000;
/** Codes kept at once; minting more drops the oldest, so `sealroom open` in a loop cannot grow memory. */
const MAX_CODES = 64;

export type RedeemResult = 'ok' | 'used' | 'expired' | 'unknown';

type Entry = { expiresAt: number; used: boolean };

/**
 * One-time login codes for the browser (the link `sealroom proxy` and `sealroom open` print). A code is
 * 128 random bits, works once, and expires after `ttlMs`. Only a digest of each code is kept, so the map
 * holds nothing that could be replayed.
 */
export class LoginCodes {
  readonly #codes = new Map<string, Entry>();

  constructor(
    readonly ttlMs: number = LOGIN_CODE_TTL_MS,
    readonly now: () => number = Date.now,
  ) {}

  mint(): string {
    this.#prune();
    while (this.#codes.size >= MAX_CODES) {
      const oldest = this.#codes.keys().next();
      if (oldest.done) break;
      this.#codes.delete(oldest.value);
    }
    const code = randomBytes(16).toString('base64url');
    this.#codes.set(digest(code), { expiresAt: this.now() + this.ttlMs, used: false });
    return code;
  }

  /** Used codes stay known until they expire, so a second try is told "already used", not "unknown". */
  redeem(code: string): RedeemResult {
    const key = digest(code);
    const e = this.#codes.get(key);
    if (e === undefined) return 'unknown';
    if (this.now() >= e.expiresAt) {
      this.#codes.delete(key);
      return 'expired';
    }
    if (e.used) return 'used';
    e.used = true;
    return 'ok';
  }

  #prune(): void {
    // Expired entries stay one extra TTL so that a late first use still hears "expired".
    const t = this.now();
    for (const [k, e] of this.#codes) if (t >= e.expiresAt + this.ttlMs) this.#codes.delete(k);
  }
}

function digest(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('base64url');
}
