// crypto-basics.json: RefHash (RFC 9420 §5.2), ExpandWithLabel / DeriveSecret (§8), DeriveTreeSecret (§9),
// Encrypt/DecryptWithLabel (§5.1.3) and Sign/VerifyWithLabel (§5.1.2), through ts-mls's own helpers.
import { describe, expect, test } from "vitest";
import type { CiphersuiteImpl } from "ts-mls";
import { refhash } from "ts-mls/crypto/hash.js";
import { deriveSecret, deriveTreeSecret, expandWithLabel } from "ts-mls/crypto/kdf.js";
import { decryptWithLabel, encryptWithLabel } from "ts-mls/crypto/hpke.js";
import { signWithLabel, verifyWithLabel } from "ts-mls/crypto/signature.js";
import { forEachProvider, hex, loadVectors, Tally, toHex, VECTORS_MISSING } from "./_support.js";

interface CryptoBasics {
  cipher_suite: number;
  ref_hash: { label: string; value: string; out: string };
  expand_with_label: { secret: string; label: string; context: string; length: number; out: string };
  derive_secret: { secret: string; label: string; out: string };
  derive_tree_secret: { secret: string; label: string; generation: number; length: number; out: string };
  sign_with_label: { priv: string; pub: string; content: string; label: string; signature: string };
  encrypt_with_label: { priv: string; pub: string; label: string; context: string; plaintext: string; kem_output: string; ciphertext: string };
}

const FILE = "crypto-basics.json";
const cases = loadVectors<CryptoBasics>(FILE);
const tally = new Tally(FILE);

async function check(v: CryptoBasics, impl: CiphersuiteImpl): Promise<void> {
  expect(toHex(await refhash(v.ref_hash.label, hex(v.ref_hash.value), impl.hash))).toBe(v.ref_hash.out);

  const e = v.expand_with_label;
  expect(toHex(await expandWithLabel(hex(e.secret), e.label, hex(e.context), e.length, impl.kdf))).toBe(e.out);
  expect(toHex(await deriveSecret(hex(v.derive_secret.secret), v.derive_secret.label, impl.kdf))).toBe(v.derive_secret.out);
  const t = v.derive_tree_secret;
  expect(toHex(await deriveTreeSecret(hex(t.secret), t.label, t.generation, t.length, impl.kdf))).toBe(t.out);

  // VerifyWithLabel(pub, label, content, signature) == true, and a fresh signature verifies too.
  const s = v.sign_with_label;
  expect(await verifyWithLabel(hex(s.pub), s.label, hex(s.content), hex(s.signature), impl.signature)).toBe(true);
  const fresh = await signWithLabel(hex(s.priv), s.label, hex(s.content), impl.signature);
  expect(await verifyWithLabel(hex(s.pub), s.label, hex(s.content), fresh, impl.signature)).toBe(true);
  // ... and a different label must not (domain separation, RFC 9420 §5.1.2).
  expect(await verifyWithLabel(hex(s.pub), `${s.label}x`, hex(s.content), hex(s.signature), impl.signature)).toBe(false);

  // DecryptWithLabel(priv, label, context, kem_output, ciphertext) == plaintext, then a round trip.
  const h = v.encrypt_with_label;
  const priv = await impl.hpke.importPrivateKey(hex(h.priv));
  const pub = await impl.hpke.importPublicKey(hex(h.pub));
  const pt = await decryptWithLabel(priv, h.label, hex(h.context), hex(h.kem_output), hex(h.ciphertext), impl.hpke);
  expect(toHex(pt)).toBe(h.plaintext);
  const sealed = await encryptWithLabel(pub, h.label, hex(h.context), hex(h.plaintext), impl.hpke);
  expect(toHex(await decryptWithLabel(priv, h.label, hex(h.context), sealed.enc, sealed.ct, impl.hpke))).toBe(h.plaintext);
}

describe.skipIf(VECTORS_MISSING).concurrent(FILE, () => {
  test.each(cases.map((v, i) => [i, v] as const))("case %i", async (_i, v) => {
    await forEachProvider(tally, v.cipher_suite, ({ impl }) => check(v, impl));
  });
});
