// HMAC / HKDF (RFC 2104, RFC 5869) adapters on node:crypto's synchronous primitives.
import { createHash, createHmac, hkdfSync, timingSafeEqual } from "node:crypto";
import { HkdfSha256 } from "@hpke/core";
import { fromBuffer, toArrayBuffer, toBytes } from "./_node-bytes.js";

/** ts-mls / WebCrypto hash names -> OpenSSL digest names, with the output length Nh. */
export const NODE_HASHES = {
  "SHA-256": { node: "sha256", size: 32 },
  "SHA-384": { node: "sha384", size: 48 },
  "SHA-512": { node: "sha512", size: 64 },
} as const;
export type NodeHashName = keyof typeof NODE_HASHES;

// Node's hkdf() rejects info longer than 1024 bytes (an OpenSSL EVP_KDF limit). MLS ExpandWithLabel can carry a
// whole GroupContext as context (RFC 9420 §8), so longer inputs take the Extract-then-Expand route below.
const NODE_HKDF_MAX_INFO = 1024;

export function nodeDigest(hash: NodeHashName, data: Uint8Array): Uint8Array {
  return fromBuffer(createHash(NODE_HASHES[hash].node).update(data).digest());
}

export function nodeHmac(hash: NodeHashName, key: Uint8Array, data: Uint8Array): Uint8Array {
  return fromBuffer(createHmac(NODE_HASHES[hash].node, key).update(data).digest());
}

/** Constant-time MAC check (RFC 9420 §6.1 membership tag, §8.1 confirmation tag). */
export function nodeVerifyHmac(hash: NodeHashName, key: Uint8Array, mac: Uint8Array, data: Uint8Array): boolean {
  const expected = nodeHmac(hash, key, data);
  return expected.length === mac.length && timingSafeEqual(expected, mac);
}

/** HKDF-Extract (RFC 5869 §2.2): PRK = HMAC-Hash(salt, IKM); an absent salt means HashLen zero bytes. */
export function nodeHkdfExtract(hash: NodeHashName, salt: Uint8Array, ikm: Uint8Array): Uint8Array {
  const key = salt.length === 0 ? new Uint8Array(NODE_HASHES[hash].size) : salt;
  return nodeHmac(hash, key, ikm);
}

/**
 * HKDF-Expand (RFC 5869 §2.3). node:crypto exposes no expand-only HKDF, so this is the RFC's T(i) chain over
 * node's HMAC, T(i) = HMAC(PRK, T(i-1) | info | i) -- exactly what the stock @hpke/core HKDF does over WebCrypto.
 * Checked against Wycheproof and RFC 5869 vectors in test/wycheproof.
 */
export function nodeHkdfExpand(hash: NodeHashName, prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  const { node, size } = NODE_HASHES[hash];
  if (!Number.isInteger(length) || length < 0 || length > 255 * size) throw new Error(`HKDF-Expand: invalid length ${length}`);
  const okm = new Uint8Array(length);
  let prev: Uint8Array = new Uint8Array(0);
  for (let i = 1, off = 0; off < length; i++) {
    prev = fromBuffer(createHmac(node, prk).update(prev).update(info).update(Uint8Array.of(i)).digest());
    okm.set(prev.subarray(0, Math.min(size, length - off)), off);
    off += size;
  }
  return okm;
}

/** Full HKDF (RFC 5869 §2): one native call when node allows it. */
export function nodeHkdf(hash: NodeHashName, salt: Uint8Array, ikm: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  if (info.length <= NODE_HKDF_MAX_INFO && length > 0 && length <= 255 * NODE_HASHES[hash].size) {
    return new Uint8Array(hkdfSync(NODE_HASHES[hash].node, ikm, salt, info, length));
  }
  return nodeHkdfExpand(hash, nodeHkdfExtract(hash, salt, ikm), info, length);
}

/**
 * @hpke/core's HKDF-SHA256 with its three WebCrypto round-trips replaced by the synchronous functions above.
 * The labelled variants (RFC 9180 §4 LabeledExtract/LabeledExpand) and suite_id handling stay inherited.
 */
export class NodeHkdfSha256 extends HkdfSha256 {
  override async extract(salt: ArrayBufferLike | ArrayBufferView, ikm: ArrayBufferLike | ArrayBufferView): Promise<ArrayBuffer> {
    return toArrayBuffer(nodeHkdfExtract("SHA-256", toBytes(salt), toBytes(ikm)));
  }

  override async expand(prk: ArrayBufferLike | ArrayBufferView, info: ArrayBufferLike | ArrayBufferView, len: number): Promise<ArrayBuffer> {
    return toArrayBuffer(nodeHkdfExpand("SHA-256", toBytes(prk), toBytes(info), len));
  }

  override async extractAndExpand(
    salt: ArrayBufferLike | ArrayBufferView,
    ikm: ArrayBufferLike | ArrayBufferView,
    info: ArrayBufferLike | ArrayBufferView,
    len: number,
  ): Promise<ArrayBuffer> {
    return toArrayBuffer(nodeHkdf("SHA-256", toBytes(salt), toBytes(ikm), toBytes(info), len));
  }
}
