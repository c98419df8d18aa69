import { createHash } from 'node:crypto';

/**
 * Safety numbers on Signal's numeric-fingerprint construction (libsignal `NumericFingerprintGenerator`):
 * per party, hash = version ‖ identity key ‖ stable id, then `ITERATIONS` times hash = SHA-512(hash ‖ key);
 * the first 30 bytes become six 5-digit groups (each 5-byte big-endian chunk mod 100000). Both halves are
 * sorted and concatenated, so both devices show the same 60 digits; a change of either key changes them.
 *
 * Differences from Signal, on purpose: the key is the raw 32-byte Ed25519 identity key (no 0x05 type
 * prefix), and the stable id is `sealroom:` + the handle, so a Sealroom number can never be mistaken for a
 * Signal one.
 */
const VERSION = 0;
const ITERATIONS = 5200;
const DIGITS_PER_SIDE = 30;

export type SafetyParty = { handle: string; publicKey: Uint8Array };

function half(p: SafetyParty): string {
  const key = Buffer.from(p.publicKey);
  const version = Buffer.from([(VERSION >> 8) & 0xff, VERSION & 0xff]);
  let hash: Buffer = Buffer.concat([version, key, Buffer.from(`sealroom:${p.handle}`, 'utf8')]);
  for (let i = 0; i < ITERATIONS; i++) hash = createHash('sha512').update(hash).update(key).digest();
  let out = '';
  for (let i = 0; i < DIGITS_PER_SIDE / 5; i++) {
    // 5 bytes = 40 bits: exact in a double, so no BigInt needed.
    const chunk = hash.readUIntBE(i * 5, 5);
    out += String(chunk % 100_000).padStart(5, '0');
  }
  return out;
}

/** The 60-digit safety number of two parties; symmetric in its arguments. */
export function safetyNumber(a: SafetyParty, b: SafetyParty): string {
  const [x, y] = [half(a), half(b)].sort();
  return `${x}${y}`;
}

/** 60 digits as 12 groups of 5, for display. */
export function safetyNumberGroups(digits: string): string[] {
  return digits.match(/.{5}/g) ?? [];
}
