/**
 * A ts-mls CryptoProvider on Node's built-in crypto (OpenSSL), for the X25519/Ed25519/SHA-256 ciphersuites:
 *   1 MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519 and 3 MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519
 * (RFC 9420 §17.1). Every other suite is delegated unchanged to ts-mls's defaultCryptoProvider.
 *
 * Why: the stock provider goes through async WebCrypto (crypto.subtle) and imports a fresh CryptoKey on every
 * HMAC / AEAD / HKDF / Ed25519 call, so each of MLS's many small operations costs a key import plus promise hops.
 * node:crypto's synchronous createHash / createHmac / hkdfSync / sign / verify / cipheriv take raw keys directly;
 * a provider built this way measured 3-8x faster on the same workloads.
 *
 * Nothing here implements a primitive: all of them are OpenSSL's via node:crypto. HPKE (RFC 9180) stays
 * @hpke/core's CipherSuite exactly as ts-mls's default provider builds it, with its KEM primitives, KDF and AEAD
 * swapped for the node adapters below. (One composition is unavoidable: node has no expand-only HKDF, so
 * HKDF-Expand is RFC 5869 §2.3's HMAC chain -- see _node-hkdf.ts.) It also makes suite 3 usable without the optional
 * @hpke/chacha20poly1305 peer dependency the default provider needs for it.
 */
import { randomFillSync } from "node:crypto";
import { CipherSuite } from "@hpke/core";
import { defaultCryptoProvider } from "ts-mls";
import type { Ciphersuite, CiphersuiteImpl, CryptoProvider } from "ts-mls";
import type { Aead, AeadAlgorithm } from "ts-mls/crypto/aead.js";
import type { Hash } from "ts-mls/crypto/hash.js";
import type { Kdf } from "ts-mls/crypto/kdf.js";
import type { Rng } from "ts-mls/crypto/rng.js";
import { makeGenericHpke } from "ts-mls/crypto/implementation/hpke.js";
import { NodeHpkeAead, nodeAeadOpen, nodeAeadSeal } from "./_node-aead.js";
import { nodeEd25519Signature } from "./_node-ed25519.js";
import { NodeHkdfSha256, nodeDigest, nodeHkdfExpand, nodeHkdfExtract, nodeHmac, nodeVerifyHmac } from "./_node-hkdf.js";
import { NodeDhkemX25519HkdfSha256 } from "./_node-x25519.js";

// The small adapters the provider is assembled from; exported so they can be checked against Wycheproof directly.
export { nodeAeadOpen, nodeAeadSeal } from "./_node-aead.js";
export { nodeEd25519Keygen, nodeEd25519Sign, nodeEd25519Verify } from "./_node-ed25519.js";
export { nodeDigest, nodeHkdf, nodeHkdfExpand, nodeHkdfExtract, nodeHmac, nodeVerifyHmac } from "./_node-hkdf.js";
export { nodeX25519 } from "./_node-x25519.js";

const NODE_AEAD_ALGORITHMS: ReadonlySet<AeadAlgorithm> = new Set<AeadAlgorithm>(["AES128GCM", "CHACHA20POLY1305", "AES256GCM"]);

/** True when nodeCryptoProvider runs `cs` on node:crypto itself (false: it delegates to defaultCryptoProvider). */
export function isNodeAcceleratedCiphersuite(cs: Ciphersuite): boolean {
  return (
    cs.hpke.kem === "DHKEM-X25519-HKDF-SHA256" &&
    cs.hpke.kdf === "HKDF-SHA256" &&
    NODE_AEAD_ALGORITHMS.has(cs.hpke.aead) &&
    cs.hash === "SHA-256" &&
    cs.signature === "Ed25519"
  );
}

const sha256: Hash = {
  async digest(data) {
    return nodeDigest("SHA-256", data);
  },
  async mac(key, data) {
    return nodeHmac("SHA-256", key, data);
  },
  async verifyMac(key, mac, data) {
    return nodeVerifyHmac("SHA-256", key, mac, data);
  },
};

const hkdfSha256: Kdf = {
  async extract(salt, ikm) {
    return nodeHkdfExtract("SHA-256", salt, ikm);
  },
  async expand(prk, info, len) {
    return nodeHkdfExpand("SHA-256", prk, info, len);
  },
  size: 32,
};

const nodeRng: Rng = {
  // randomFillSync has no 64 KiB cap, unlike crypto.getRandomValues.
  randomBytes(n) {
    return randomFillSync(new Uint8Array(n));
  },
};

function makeAead(alg: AeadAlgorithm): Aead {
  return {
    async encrypt(key, nonce, aad, plaintext) {
      return nodeAeadSeal(alg, key, nonce, aad, plaintext);
    },
    async decrypt(key, nonce, aad, ciphertext) {
      return nodeAeadOpen(alg, key, nonce, aad, ciphertext);
    },
  };
}

async function buildImpl(cs: Ciphersuite): Promise<CiphersuiteImpl> {
  const aead = makeAead(cs.hpke.aead);
  // Same assembly as ts-mls's default makeHpke(), with node-backed KEM / KDF / AEAD objects plugged in.
  const hpkeSuite = new CipherSuite({
    kem: new NodeDhkemX25519HkdfSha256(),
    kdf: new NodeHkdfSha256(),
    aead: new NodeHpkeAead(cs.hpke.aead),
  });
  return {
    hash: sha256,
    kdf: hkdfSha256,
    signature: nodeEd25519Signature,
    hpke: await makeGenericHpke(cs.hpke, aead, hpkeSuite),
    rng: nodeRng,
    name: cs.name,
  };
}

// The impls are stateless, so one per suite is shared (ts-mls asks for it on every group operation).
const cache = new Map<string, Promise<CiphersuiteImpl>>();

export const nodeCryptoProvider: CryptoProvider = {
  getCiphersuiteImpl(cs: Ciphersuite): Promise<CiphersuiteImpl> {
    if (!isNodeAcceleratedCiphersuite(cs)) return defaultCryptoProvider.getCiphersuiteImpl(cs);
    const key = `${cs.name}/${cs.hpke.aead}`;
    let impl = cache.get(key);
    if (impl === undefined) {
      impl = buildImpl(cs);
      impl.catch(() => cache.delete(key));
      cache.set(key, impl);
    }
    return impl;
  },
};
