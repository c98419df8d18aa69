// Ed25519 (RFC 8032 §5.1, pure EdDSA) as ts-mls's Signature, on node:crypto's one-shot sign/verify.
import { createHash, generateKeyPairSync, sign, verify, type KeyObject } from "node:crypto";
import type { Signature } from "ts-mls/crypto/signature.js";
import { fromBuffer } from "./_node-bytes.js";
import { ed25519PrivateKeyFromPkcs8, privateKeyFromRaw, publicKeyFromRaw, rawFromPrivateKey, rawFromPublicKey, RAW_KEY_LENGTH } from "./_node-keys.js";

const ED25519_SIGNATURE_LENGTH = 64;

/**
 * MLS serialises the Ed25519 private key as the 32-byte RFC 8032 seed (RFC 9420 §5.1.1, and every test vector).
 * ts-mls's default (WebCrypto) provider instead hands out PKCS#8 DER from keygen(); accept both so state created
 * with either provider keeps working with this one.
 */
function importSigningKey(signKey: Uint8Array): KeyObject {
  if (signKey.length === RAW_KEY_LENGTH) return privateKeyFromRaw("ed25519", signKey);
  const k = ed25519PrivateKeyFromPkcs8(signKey);
  if (k === undefined) throw new Error("Ed25519 signing key must be a 32-byte seed or PKCS#8 DER");
  return k;
}

/**
 * Imported signing keys, most recently used last, at most `KEY_CACHE_SIZE`: importing a private key costs about
 * as much as the signature itself (measured here: a sign ~95 µs with the import, ~55–65 µs without), and a
 * device signs with one key over and over. Looked up by a SHA-256 of the key's bytes, so the cache holds no
 * second copy of the secret as a string.
 */
const KEY_CACHE_SIZE = 1024;
const signingKeys = new Map<string, KeyObject>();

function cached(cache: Map<string, KeyObject>, id: string, load: () => KeyObject): KeyObject {
  const hit = cache.get(id);
  if (hit !== undefined) {
    cache.delete(id);
    cache.set(id, hit);
    return hit;
  }
  const k = load();
  cache.set(id, k);
  if (cache.size > KEY_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  return k;
}

function signingKey(signKey: Uint8Array): KeyObject {
  return cached(signingKeys, createHash("sha256").update(signKey).digest("base64"), () => importSigningKey(signKey));
}


export function nodeEd25519Sign(signKey: Uint8Array, message: Uint8Array): Uint8Array {
  // Algorithm `null`: Ed25519 hashes internally (PureEdDSA); there is no separate digest choice.
  return fromBuffer(sign(null, message, signingKey(signKey)));
}

/** Never throws: malformed keys or signatures are simply "not valid" (ts-mls branches on the boolean). */
export function nodeEd25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== RAW_KEY_LENGTH || signature.length !== ED25519_SIGNATURE_LENGTH) return false;
  try {
    // Not cached: importing a public key is cheap next to the verification (measured: no gain from a cache).
    return verify(null, message, publicKeyFromRaw("ed25519", publicKey), signature);
  } catch {
    return false;
  }
}

export function nodeEd25519Keygen(): { publicKey: Uint8Array; signKey: Uint8Array } {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return { signKey: rawFromPrivateKey(privateKey), publicKey: rawFromPublicKey(publicKey) };
}

export const nodeEd25519Signature: Signature = {
  async sign(signKey, message) {
    return nodeEd25519Sign(signKey, message);
  },
  async verify(publicKey, message, signature) {
    return nodeEd25519Verify(publicKey, message, signature);
  },
  async keygen() {
    return nodeEd25519Keygen();
  },
};
