import { HANDLE_RE, SealroomError, MlsErrorCode, fromBase64, toBase64 } from '@sealroom/protocol';
import { getSuite } from './suite.js';

/**
 * A device identity: an Ed25519 key bound to a handle. The same key is the MLS signature key of every
 * leaf this device owns (RFC 9420 §5.3: the credential binds the identity to the signature key).
 */
export type Identity = { handle: string; publicKey: Uint8Array; signKey: Uint8Array };

const ED25519_PKCS8_PREFIX_LEN = 16;

/** Providers differ in key format (raw seed vs PKCS#8); we keep the raw 32-byte seed, which all accept. */
function toSeed(signKey: Uint8Array): Uint8Array {
  if (signKey.length === 32) return signKey;
  if (signKey.length === 48) return signKey.slice(ED25519_PKCS8_PREFIX_LEN);
  throw new SealroomError(MlsErrorCode.BadState, `unexpected Ed25519 private key length ${signKey.length}`);
}

export async function generateIdentity(handle: string): Promise<Identity> {
  if (!HANDLE_RE.test(handle)) throw new TypeError(`invalid handle: ${handle}`);
  const cs = await getSuite();
  const kp = await cs.signature.keygen();
  return { handle, publicKey: kp.publicKey, signKey: toSeed(kp.signKey) };
}

/** Plain Ed25519 signature (RFC 8032) over `message`, used for relay device authentication. */
export async function signWithIdentity(identity: Identity, message: Uint8Array): Promise<Uint8Array> {
  const cs = await getSuite();
  return cs.signature.sign(identity.signKey, message);
}

export async function verifyWithIdentityKey(publicKey: Uint8Array, message: Uint8Array, sig: Uint8Array): Promise<boolean> {
  const cs = await getSuite();
  try {
    return await cs.signature.verify(publicKey, message, sig);
  } catch {
    return false;
  }
}

/** Short, human-comparable fingerprint of an identity key: SHA-256, first 16 bytes, grouped hex. */
export async function fingerprint(publicKey: Uint8Array): Promise<string> {
  const cs = await getSuite();
  const h = await cs.hash.digest(publicKey);
  const hex = Array.from(h.slice(0, 16), (b) => b.toString(16).padStart(2, '0')).join('');
  return hex.match(/.{4}/g)!.join(' ');
}

export function encodeIdentity(i: Identity): string {
  return JSON.stringify({ handle: i.handle, publicKey: toBase64(i.publicKey), signKey: toBase64(i.signKey) });
}

export function decodeIdentity(s: string): Identity {
  const o = JSON.parse(s) as { handle: string; publicKey: string; signKey: string };
  return { handle: o.handle, publicKey: fromBase64(o.publicKey), signKey: fromBase64(o.signKey) };
}
