// Wycheproof ChaCha20-Poly1305 (RFC 8439) against nodeAeadSeal/nodeAeadOpen and through the suite-3
// CiphersuiteImpl's hpke.encryptAead/decryptAead.
import { describe, expect, test } from "vitest";
import { nodeAeadOpen, nodeAeadSeal } from "../../src/node-crypto-provider.js";
import { hex, loadWycheproof, nodeImpl, toHex, WycheproofTally, VECTORS_MISSING, type AeadGroup } from "./_wycheproof.js";

const FILE = "chacha20_poly1305_test.json";
const data = loadWycheproof<AeadGroup>(FILE);
const tally = new WycheproofTally(FILE);

describe.skipIf(VECTORS_MISSING)(FILE, () => {
  test("all groups", async () => {
    const impl = await nodeImpl("MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519");
    for (const g of data.testGroups) {
      for (const t of g.tests) {
        const where = `tcId ${t.tcId} (${t.comment})`;
        const [key, iv, aad, sealed] = [hex(t.key), hex(t.iv), hex(t.aad), hex(t.ct + t.tag)];
        if (t.result === "valid") {
          expect(toHex(nodeAeadSeal("CHACHA20POLY1305", key, iv, aad, hex(t.msg))), where).toBe(t.ct + t.tag);
          expect(toHex(nodeAeadOpen("CHACHA20POLY1305", key, iv, aad, sealed)), where).toBe(t.msg);
          expect(toHex(await impl.hpke.encryptAead(key, iv, aad, hex(t.msg))), where).toBe(t.ct + t.tag);
          expect(toHex(await impl.hpke.decryptAead(key, iv, aad, sealed)), where).toBe(t.msg);
        } else {
          // Invalid: modified tags and non-96-bit nonces (the latter must not be silently accepted either).
          expect(() => nodeAeadOpen("CHACHA20POLY1305", key, iv, aad, sealed), where).toThrow();
          await expect(impl.hpke.decryptAead(key, iv, aad, sealed), where).rejects.toThrow();
        }
        tally.run(t.result);
      }
    }
  });
});
