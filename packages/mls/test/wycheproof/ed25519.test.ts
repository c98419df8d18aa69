// Wycheproof Ed25519 (RFC 8032) verification against nodeEd25519Verify and the suite-1 CiphersuiteImpl's
// signature.verify; valid must verify, invalid (malleable S >= L, truncated, garbage, bad encodings) must not.
import { describe, expect, test } from "vitest";
import { nodeEd25519Verify } from "../../src/node-crypto-provider.js";
import { hex, loadWycheproof, nodeImpl, WycheproofTally, VECTORS_MISSING, type WycheproofTest } from "./_wycheproof.js";

interface EddsaTest extends WycheproofTest {
  msg: string;
  sig: string;
}
interface EddsaGroup {
  publicKey: { curve: string; pk: string };
  tests: EddsaTest[];
}

const FILE = "ed25519_test.json";
const data = loadWycheproof<EddsaGroup>(FILE);
const tally = new WycheproofTally(FILE);

describe.skipIf(VECTORS_MISSING)(FILE, () => {
  test("all groups", async () => {
    const impl = await nodeImpl("MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519");
    for (const g of data.testGroups) {
      expect(g.publicKey.curve).toBe("edwards25519");
      const pk = hex(g.publicKey.pk);
      for (const t of g.tests) {
        const where = `tcId ${t.tcId} (${t.comment})`;
        const expected = t.result === "valid"; // the file has no "acceptable" Ed25519 cases
        expect(nodeEd25519Verify(pk, hex(t.msg), hex(t.sig)), where).toBe(expected);
        expect(await impl.signature.verify(pk, hex(t.msg), hex(t.sig)), where).toBe(expected);
        tally.run(t.result);
      }
    }
  });
});

// Not Wycheproof, but the same adapter: signing keys minted by ts-mls's default (WebCrypto) provider are PKCS#8
// DER rather than RFC 8032 seeds; state created under that provider must keep signing under this one, and back.
test("signing keys interoperate with ts-mls's default provider", async () => {
  const { defaultCryptoProvider, getCiphersuiteFromName } = await import("ts-mls");
  const cs = getCiphersuiteFromName("MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519");
  const stock = await defaultCryptoProvider.getCiphersuiteImpl(cs);
  const node = await nodeImpl("MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519");
  const msg = new TextEncoder().encode("sealroom");
  for (const [from, to] of [[stock, node], [node, stock]] as const) {
    const kp = await from.signature.keygen();
    expect(await to.signature.verify(kp.publicKey, msg, await to.signature.sign(kp.signKey, msg))).toBe(true);
    expect(await from.signature.verify(kp.publicKey, msg, await to.signature.sign(kp.signKey, msg))).toBe(true);
  }
});
