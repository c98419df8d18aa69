// Raw <-> KeyObject conversion for the RFC 7748/8032 curves.
//
// MLS (RFC 9420 §5.1) and HPKE (RFC 9180 §7.1.1) carry X25519/Ed25519 keys as raw 32-byte strings. node:crypto
// imports them fastest as OKP JWKs (RFC 8037 §2): that path hands the bytes straight to EVP_PKEY_new_raw_*_key,
// whereas DER goes through OpenSSL 3's generic decoder -- measured ~10x slower for public and ~16x for private
// keys on OpenSSL 3.0, which dominated sign/verify. Exports likewise go through JWK (EVP_PKEY_get_raw_*_key).
import { createPrivateKey, createPublicKey, type JsonWebKey, type KeyObject } from "node:crypto";

export type OkpCurve = "x25519" | "ed25519";

const JWK_CRV: Record<OkpCurve, string> = { x25519: "X25519", ed25519: "Ed25519" };

export const RAW_KEY_LENGTH = 32;

function b64url(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("base64url");
}

function checkLength(curve: OkpCurve, what: string, raw: Uint8Array): void {
  if (raw.length !== RAW_KEY_LENGTH) throw new Error(`${curve} ${what} key must be ${RAW_KEY_LENGTH} bytes, got ${raw.length}`);
}

// Public keys repeat constantly in a group (every member's signature key is verified on each of their messages),
// so a small cache of imported public KeyObjects pays off. Private keys are never cached.
const PUBLIC_CACHE_LIMIT = 512;
const publicCache = new Map<string, KeyObject>();

export function publicKeyFromRaw(curve: OkpCurve, raw: Uint8Array): KeyObject {
  checkLength(curve, "public", raw);
  const x = b64url(raw);
  const id = `${curve}:${x}`;
  const hit = publicCache.get(id);
  if (hit !== undefined) return hit;
  const key = createPublicKey({ key: { kty: "OKP", crv: JWK_CRV[curve], x }, format: "jwk" });
  if (publicCache.size >= PUBLIC_CACHE_LIMIT) {
    const oldest = publicCache.keys().next();
    if (oldest.done !== true) publicCache.delete(oldest.value);
  }
  publicCache.set(id, key);
  return key;
}

export function privateKeyFromRaw(curve: OkpCurve, raw: Uint8Array): KeyObject {
  checkLength(curve, "private", raw);
  // Node builds OKP private keys from `d` alone (the public half is recomputed); `x` is only type-checked, so an
  // empty string stands in for the public key we do not have yet.
  return createPrivateKey({ key: { kty: "OKP", crv: JWK_CRV[curve], d: b64url(raw), x: "" }, format: "jwk" });
}

// RFC 8410 §7 OneAsymmetricKey prefix for Ed25519 (version 0, OID 1.3.101.112, OCTET STRING { OCTET STRING (32) }).
const ED25519_PKCS8_PREFIX = Uint8Array.of(0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20);

/** An Ed25519 PKCS#8 DER blob (what WebCrypto-based providers hand out as a signKey), or undefined if it is not one. */
export function ed25519PrivateKeyFromPkcs8(der: Uint8Array): KeyObject | undefined {
  if (der.length !== ED25519_PKCS8_PREFIX.length + RAW_KEY_LENGTH) return undefined;
  for (let i = 0; i < ED25519_PKCS8_PREFIX.length; i++) if (der[i] !== ED25519_PKCS8_PREFIX[i]) return undefined;
  return privateKeyFromRaw("ed25519", der.subarray(ED25519_PKCS8_PREFIX.length));
}

function rawField(jwk: JsonWebKey, field: "x" | "d"): Uint8Array {
  const v = jwk[field];
  if (typeof v !== "string") throw new Error(`node:crypto JWK export lacks "${field}"`);
  const raw = new Uint8Array(Buffer.from(v, "base64url"));
  if (raw.length !== RAW_KEY_LENGTH) throw new Error("unexpected OKP key length from node:crypto");
  return raw;
}

export function rawFromPublicKey(key: KeyObject): Uint8Array {
  return rawField(key.export({ format: "jwk" }), "x");
}

export function rawFromPrivateKey(key: KeyObject): Uint8Array {
  return rawField(key.export({ format: "jwk" }), "d");
}
