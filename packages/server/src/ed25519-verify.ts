import { createPublicKey, verify } from 'node:crypto';

/**
 * Verifies an Ed25519 signature (RFC 8032) with a raw 32-byte public key. Any malformed key or signature
 * is simply `false`: the caller answers one code whatever went wrong.
 */
export function verifyEd25519(publicKey: Uint8Array, data: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  try {
    const key = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKey).toString('base64url') },
      format: 'jwk',
    });
    return verify(null, data, key, signature);
  } catch {
    return false;
  }
}
