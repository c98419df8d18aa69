// DHKEM(X25519, HKDF-SHA256) (RFC 9180 §4.1, §7.1) with node:crypto doing the curve work.
//
// The KEM *protocol* (Encap/Decap, ExtractAndExpand, suite ids) stays in @hpke/core's Dhkem base class; only its
// DhkemPrimitives -- key (de)serialisation, DeriveKeyPair and DH -- and its KDF are swapped for node:crypto ones.
import { diffieHellman, generateKeyPairSync, createPublicKey, type KeyObject, type webcrypto } from "node:crypto";
import { DeriveKeyPairError, DeserializeError, DhkemX25519HkdfSha256, NotSupportedError, SerializeError } from "@hpke/core";
import type { KdfInterface } from "@hpke/core";
import { fromBuffer, isAllZero, toArrayBuffer, toBytes } from "./_node-bytes.js";
import { NodeHkdfSha256 } from "./_node-hkdf.js";
import { privateKeyFromRaw, publicKeyFromRaw, rawFromPrivateKey, rawFromPublicKey, RAW_KEY_LENGTH } from "./_node-keys.js";

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;
type JsonWebKey = webcrypto.JsonWebKey;

/**
 * A CryptoKey look-alike carrying a node KeyObject. ts-mls treats HPKE keys as opaque handles that it only passes
 * back to the same Hpke implementation, so any object with CryptoKey's shape works (as @hpke's own XCryptoKey does).
 */
export class NodeX25519Key {
  readonly algorithm = { name: "X25519" } as const;
  readonly extractable = true;
  readonly usages: webcrypto.KeyUsage[];
  constructor(
    readonly type: "public" | "private",
    readonly keyObject: KeyObject,
    readonly raw: Uint8Array,
  ) {
    this.usages = type === "private" ? ["deriveBits"] : [];
  }
}

function asNodeKey(k: CryptoKey, type: "public" | "private"): NodeX25519Key {
  if (!(k instanceof NodeX25519Key) || k.type !== type) throw new Error(`expected a node X25519 ${type} key`);
  return k;
}

export function x25519PublicKey(raw: Uint8Array): NodeX25519Key {
  return new NodeX25519Key("public", publicKeyFromRaw("x25519", raw), raw.slice());
}

export function x25519PrivateKey(raw: Uint8Array): NodeX25519Key {
  return new NodeX25519Key("private", privateKeyFromRaw("x25519", raw), raw.slice());
}

/**
 * X25519(sk, pk) (RFC 7748 §5). Refuses the all-zero output that a small-order peer key produces, as RFC 7748 §6.1
 * and RFC 9180 §7.1.4 require. OpenSSL already fails the derivation; the explicit check keeps the guarantee
 * independent of the OpenSSL build.
 */
export function nodeX25519(privateKey: Uint8Array | KeyObject, publicKey: Uint8Array | KeyObject): Uint8Array {
  const priv = privateKey instanceof Uint8Array ? privateKeyFromRaw("x25519", privateKey) : privateKey;
  const pub = publicKey instanceof Uint8Array ? publicKeyFromRaw("x25519", publicKey) : publicKey;
  let shared: Uint8Array;
  try {
    shared = fromBuffer(diffieHellman({ privateKey: priv, publicKey: pub }));
  } catch (cause) {
    // OpenSSL's X25519 derive fails exactly when the result is all-zero (ossl_x25519 returns 0 in that case).
    throw new Error("X25519: refused all-zero shared secret (small-order public key)", { cause });
  }
  if (shared.length !== RAW_KEY_LENGTH || isAllZero(shared)) throw new Error("X25519: refused all-zero shared secret (small-order public key)");
  return shared;
}

// RFC 9180 §7.1.3 DeriveKeyPair labels.
const LABEL_DKP_PRK = new TextEncoder().encode("dkp_prk");
const LABEL_SK = new TextEncoder().encode("sk");

/** The DhkemPrimitives contract of @hpke/common (structural; that package is not a direct dependency). */
class NodeX25519Primitives {
  constructor(private readonly kdf: KdfInterface) {}

  async serializePublicKey(key: CryptoKey): Promise<ArrayBuffer> {
    try {
      return toArrayBuffer(asNodeKey(key, "public").raw);
    } catch (e) {
      throw new SerializeError(e);
    }
  }

  async deserializePublicKey(key: ArrayBufferLike | ArrayBufferView): Promise<CryptoKey> {
    try {
      return x25519PublicKey(toBytes(key)) as unknown as CryptoKey;
    } catch (e) {
      throw new DeserializeError(e);
    }
  }

  async serializePrivateKey(key: CryptoKey): Promise<ArrayBuffer> {
    try {
      return toArrayBuffer(asNodeKey(key, "private").raw);
    } catch (e) {
      throw new SerializeError(e);
    }
  }

  async deserializePrivateKey(key: ArrayBufferLike | ArrayBufferView): Promise<CryptoKey> {
    try {
      return x25519PrivateKey(toBytes(key)) as unknown as CryptoKey;
    } catch (e) {
      throw new DeserializeError(e);
    }
  }

  async importKey(format: "raw" | "jwk", key: ArrayBuffer | JsonWebKey, isPublic: boolean): Promise<CryptoKey> {
    try {
      if (format === "raw" && key instanceof ArrayBuffer) {
        const raw = new Uint8Array(key);
        return (isPublic ? x25519PublicKey(raw) : x25519PrivateKey(raw)) as unknown as CryptoKey;
      }
      if (format === "jwk" && !(key instanceof ArrayBuffer)) {
        const field = isPublic ? key.x : key.d;
        if (key.kty !== "OKP" || key.crv !== "X25519" || field === undefined) throw new Error("not an X25519 JWK");
        const raw = new Uint8Array(Buffer.from(field, "base64url"));
        return (isPublic ? x25519PublicKey(raw) : x25519PrivateKey(raw)) as unknown as CryptoKey;
      }
      throw new Error(`unsupported key format ${format}`);
    } catch (e) {
      throw new DeserializeError(e);
    }
  }

  async generateKeyPair(): Promise<CryptoKeyPair> {
    try {
      const { privateKey, publicKey } = generateKeyPairSync("x25519");
      return {
        privateKey: new NodeX25519Key("private", privateKey, rawFromPrivateKey(privateKey)) as unknown as CryptoKey,
        publicKey: new NodeX25519Key("public", publicKey, rawFromPublicKey(publicKey)) as unknown as CryptoKey,
      };
    } catch (e) {
      throw new NotSupportedError(e);
    }
  }

  async deriveKeyPair(ikm: ArrayBufferLike | ArrayBufferView): Promise<CryptoKeyPair> {
    try {
      // RFC 9180 §7.1.3: dkp_prk = LabeledExtract("", "dkp_prk", ikm); sk = LabeledExpand(dkp_prk, "sk", "", Nsk).
      const dkpPrk = await this.kdf.labeledExtract(new ArrayBuffer(0), LABEL_DKP_PRK, new Uint8Array(toBytes(ikm)));
      const sk = new Uint8Array(await this.kdf.labeledExpand(dkpPrk, LABEL_SK, new Uint8Array(0), RAW_KEY_LENGTH));
      const privateKey = x25519PrivateKey(sk);
      sk.fill(0);
      return { privateKey: privateKey as unknown as CryptoKey, publicKey: (await this.derivePublicKey(privateKey as unknown as CryptoKey)) };
    } catch (e) {
      throw new DeriveKeyPairError(e);
    }
  }

  async derivePublicKey(key: CryptoKey): Promise<CryptoKey> {
    const pub = createPublicKey(asNodeKey(key, "private").keyObject);
    return new NodeX25519Key("public", pub, rawFromPublicKey(pub)) as unknown as CryptoKey;
  }

  async dh(sk: CryptoKey, pk: CryptoKey): Promise<ArrayBuffer> {
    return toArrayBuffer(nodeX25519(asNodeKey(sk, "private").keyObject, asNodeKey(pk, "public").keyObject));
  }
}

// RFC 9180 §4.1: the KEM's own suite_id = concat("KEM", I2OSP(kem_id = 0x0020, 2)).
const KEM_SUITE_ID = Uint8Array.of(0x4b, 0x45, 0x4d, 0x00, 0x20);

/** DHKEM(X25519, HKDF-SHA256) whose primitives and KDF run on node:crypto. */
export class NodeDhkemX25519HkdfSha256 extends DhkemX25519HkdfSha256 {
  constructor() {
    super();
    const kdf = new NodeHkdfSha256();
    kdf.init(KEM_SUITE_ID);
    this._kdf = kdf;
    this._prim = new NodeX25519Primitives(kdf);
  }
}
