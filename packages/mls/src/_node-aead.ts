// AEAD adapters (AES-GCM per NIST SP 800-38D, ChaCha20-Poly1305 per RFC 8439) on node:crypto.
//
// MLS/HPKE fix Nn = 12 and Nt = 16 for every AEAD they use (RFC 9180 §7.3), so both are enforced here: node would
// otherwise accept other IV lengths and, on decryption, *truncated tags* unless authTagLength is pinned.
import { createCipheriv, createDecipheriv, type CipherGCMTypes, type CipherChaCha20Poly1305Types } from "node:crypto";
import { AeadId, type AeadInterface, type AeadEncryptionContext } from "@hpke/core";
import type { AeadAlgorithm } from "ts-mls/crypto/aead.js";
import { concatBytes, fromBuffer, toArrayBuffer, toBytes } from "./_node-bytes.js";

export const AEAD_NONCE_LENGTH = 12;
export const AEAD_TAG_LENGTH = 16;

type NodeAeadCipher = CipherGCMTypes | CipherChaCha20Poly1305Types;

interface AeadParams {
  readonly cipher: NodeAeadCipher;
  readonly keySize: number;
  readonly hpkeId: AeadId;
}

export const NODE_AEADS: Readonly<Record<AeadAlgorithm, AeadParams>> = {
  AES128GCM: { cipher: "aes-128-gcm", keySize: 16, hpkeId: AeadId.Aes128Gcm },
  AES256GCM: { cipher: "aes-256-gcm", keySize: 32, hpkeId: AeadId.Aes256Gcm },
  CHACHA20POLY1305: { cipher: "chacha20-poly1305", keySize: 32, hpkeId: AeadId.Chacha20Poly1305 },
};

function checkSizes(p: AeadParams, key: Uint8Array, nonce: Uint8Array): void {
  if (key.length !== p.keySize) throw new Error(`${p.cipher}: key must be ${p.keySize} bytes`);
  if (nonce.length !== AEAD_NONCE_LENGTH) throw new Error(`${p.cipher}: nonce must be ${AEAD_NONCE_LENGTH} bytes`);
}

/** Seal: returns ciphertext || tag, the layout RFC 9180 and RFC 9420 §6.3 expect. */
export function nodeAeadSeal(alg: AeadAlgorithm, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
  const p = NODE_AEADS[alg];
  checkSizes(p, key, nonce);
  // The cast picks one overload of createCipheriv; both AEAD families take the same options here.
  const c = createCipheriv(p.cipher as CipherGCMTypes, key, nonce, { authTagLength: AEAD_TAG_LENGTH });
  c.setAAD(aad, { plaintextLength: plaintext.length });
  const body = c.update(plaintext);
  const last = c.final();
  return concatBytes(fromBuffer(body), fromBuffer(last), fromBuffer(c.getAuthTag()));
}

/** Open: throws on any authentication failure (including a ciphertext shorter than the tag). */
export function nodeAeadOpen(alg: AeadAlgorithm, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  const p = NODE_AEADS[alg];
  checkSizes(p, key, nonce);
  if (ciphertext.length < AEAD_TAG_LENGTH) throw new Error(`${p.cipher}: ciphertext shorter than the tag`);
  const split = ciphertext.length - AEAD_TAG_LENGTH;
  const d = createDecipheriv(p.cipher as CipherGCMTypes, key, nonce, { authTagLength: AEAD_TAG_LENGTH });
  d.setAuthTag(ciphertext.subarray(split));
  d.setAAD(aad, { plaintextLength: split });
  const body = d.update(ciphertext.subarray(0, split));
  const last = d.final(); // throws "Unsupported state or unable to authenticate data" on a bad tag
  return concatBytes(fromBuffer(body), fromBuffer(last));
}

/** The AEAD as @hpke/core's CipherSuite consumes it (RFC 9180 §5.2 Seal/Open). */
export class NodeHpkeAead implements AeadInterface {
  readonly id: AeadId;
  readonly keySize: number;
  readonly nonceSize = AEAD_NONCE_LENGTH;
  readonly tagSize = AEAD_TAG_LENGTH;

  constructor(private readonly alg: AeadAlgorithm) {
    this.id = NODE_AEADS[alg].hpkeId;
    this.keySize = NODE_AEADS[alg].keySize;
  }

  createEncryptionContext(key: ArrayBufferLike | ArrayBufferView): AeadEncryptionContext {
    const k = toBytes(key).slice();
    const alg = this.alg;
    return {
      async seal(iv, data, aad) {
        return toArrayBuffer(nodeAeadSeal(alg, k, toBytes(iv), toBytes(aad), toBytes(data)));
      },
      async open(iv, data, aad) {
        return toArrayBuffer(nodeAeadOpen(alg, k, toBytes(iv), toBytes(aad), toBytes(data)));
      },
    };
  }
}
