/**
 * Byte-level leak search shared by the security tests: does a secret (a marker string or key bytes)
 * appear in a haystack raw, as UTF-16LE, as base64 / base64url (at any of the 3 byte alignments it can
 * sit at inside a larger encoded blob), or as hex (lower or upper case)?
 */

export type Encoding = 'raw' | 'utf16le' | 'base64' | 'base64url' | 'hex' | 'HEX';
export type Leak = { where: string; encoding: Encoding; offset: number };

/** Minimum number of base64 characters we still consider a distinctive needle. */
const MIN_B64_NEEDLE = 8;

/**
 * The base64 characters that depend only on `secret` when it starts at byte offset ≡ shift (mod 3) of
 * a larger blob: encode shift zero bytes + secret and cut off the characters touched by padding or the
 * prefix.
 */
export function base64Needles(secret: Uint8Array): string[] {
  const out: string[] = [];
  for (const shift of [0, 1, 2]) {
    const b64 = Buffer.concat([Buffer.alloc(shift), Buffer.from(secret)]).toString('base64');
    const start = Math.ceil((8 * shift) / 6);
    const end = Math.floor((8 * (shift + secret.length)) / 6);
    const needle = b64.slice(start, end);
    if (needle.length >= MIN_B64_NEEDLE) out.push(needle);
  }
  return out;
}

function toBytes(secret: string | Uint8Array): Buffer {
  return typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret);
}

/** Every encoded form of `secret` that we look for, as bytes. */
export function needlesOf(secret: string | Uint8Array): { encoding: Encoding; bytes: Buffer }[] {
  const raw = toBytes(secret);
  if (raw.length < 6) throw new RangeError('secret too short to search for meaningfully');
  const needles: { encoding: Encoding; bytes: Buffer }[] = [{ encoding: 'raw', bytes: raw }];
  if (typeof secret === 'string') needles.push({ encoding: 'utf16le', bytes: Buffer.from(secret, 'utf16le') });
  for (const n of base64Needles(raw)) {
    needles.push({ encoding: 'base64', bytes: Buffer.from(n, 'latin1') });
    const url = n.replace(/\+/g, '-').replace(/\//g, '_');
    if (url !== n) needles.push({ encoding: 'base64url', bytes: Buffer.from(url, 'latin1') });
  }
  needles.push({ encoding: 'hex', bytes: Buffer.from(raw.toString('hex'), 'latin1') });
  needles.push({ encoding: 'HEX', bytes: Buffer.from(raw.toString('hex').toUpperCase(), 'latin1') });
  return needles;
}

/** All places (one per encoding) where `secret` shows up in the named haystacks. */
export function findLeaks(secret: string | Uint8Array, haystacks: Record<string, Uint8Array | string>): Leak[] {
  const leaks: Leak[] = [];
  const needles = needlesOf(secret);
  for (const [where, h] of Object.entries(haystacks)) {
    const hay = typeof h === 'string' ? Buffer.from(h, 'utf8') : Buffer.from(h.buffer, h.byteOffset, h.byteLength);
    for (const n of needles) {
      const offset = hay.indexOf(n.bytes);
      if (offset >= 0) leaks.push({ where, encoding: n.encoding, offset });
    }
  }
  return leaks;
}

/** Human-readable description for assertion messages. */
export function describeLeaks(label: string, leaks: Leak[]): string {
  return leaks.map((l) => `${label} found in ${l.where} as ${l.encoding} at byte ${l.offset}`).join('\n');
}
