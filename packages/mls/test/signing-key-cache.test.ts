import { describe, expect, it } from 'vitest';
import { nodeEd25519Keygen, nodeEd25519Sign, nodeEd25519Verify } from '../src/_node-ed25519.js';

// The provider caches imported signing keys (by a hash of their bytes): a cache must never sign with the
// wrong key, whatever the order of use, and must keep working past its size bound.
describe('Ed25519 signing-key cache', () => {
  it('signs with the key it is given, alternating keys and past the cache bound', () => {
    const keys = Array.from({ length: 1100 }, () => nodeEd25519Keygen());
    const msg = new TextEncoder().encode('sealroom');
    for (const [i, k] of keys.entries()) {
      const sig = nodeEd25519Sign(k.signKey, msg);
      expect(nodeEd25519Verify(k.publicKey, msg, sig)).toBe(true);
      const other = keys[(i + 1) % keys.length]!;
      expect(nodeEd25519Verify(other.publicKey, msg, sig)).toBe(false);
    }
    // The first keys were evicted by now: signing with them imports them again, still correctly.
    const first = keys[0]!;
    expect(nodeEd25519Verify(first.publicKey, msg, nodeEd25519Sign(first.signKey, msg))).toBe(true);
    // Deterministic (RFC 8032): a cached key gives the same signature as a fresh import did.
    expect(Buffer.from(nodeEd25519Sign(first.signKey, msg))).toEqual(Buffer.from(nodeEd25519Sign(new Uint8Array(first.signKey), msg)));
  });
});
