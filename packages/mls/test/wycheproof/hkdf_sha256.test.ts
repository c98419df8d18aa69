// Wycheproof HKDF-SHA-256 (RFC 5869) against both code paths of the adapter -- the one-shot node hkdf and the
// Extract + RFC 5869 §2.3 Expand composition used for expand-only calls -- and through the suite-1 impl.kdf.
import { describe, expect, test } from "vitest";
import { HkdfSha256 } from "@hpke/core";
import { nodeHkdf, nodeHkdfExpand, nodeHkdfExtract } from "../../src/node-crypto-provider.js";
import { hex, loadWycheproof, nodeImpl, toHex, WycheproofTally, VECTORS_MISSING, type WycheproofTest } from "./_wycheproof.js";

interface HkdfTest extends WycheproofTest {
  ikm: string;
  salt: string;
  info: string;
  size: number;
  okm: string;
}
interface HkdfGroup {
  keySize: number;
  tests: HkdfTest[];
}

const FILE = "hkdf_sha256_test.json";
const data = loadWycheproof<HkdfGroup>(FILE);
const tally = new WycheproofTally(FILE);

describe.skipIf(VECTORS_MISSING)(FILE, () => {
  test("all groups", async () => {
    const impl = await nodeImpl("MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519");
    for (const g of data.testGroups) {
      for (const t of g.tests) {
        const where = `tcId ${t.tcId} (${t.comment})`;
        const [ikm, salt, info] = [hex(t.ikm), hex(t.salt), hex(t.info)];
        if (t.result === "valid") {
          expect(toHex(nodeHkdf("SHA-256", salt, ikm, info, t.size)), where).toBe(t.okm);
          const prk = nodeHkdfExtract("SHA-256", salt, ikm);
          expect(toHex(nodeHkdfExpand("SHA-256", prk, info, t.size)), where).toBe(t.okm);
          expect(toHex(await impl.kdf.expand(await impl.kdf.extract(salt, ikm), info, t.size)), where).toBe(t.okm);
        } else {
          // The only invalid cases ask for more than 255 * HashLen bytes (RFC 5869 §2.3).
          expect(() => nodeHkdf("SHA-256", salt, ikm, info, t.size), where).toThrow();
          expect(() => nodeHkdfExpand("SHA-256", nodeHkdfExtract("SHA-256", salt, ikm), info, t.size), where).toThrow();
        }
        tally.run(t.result);
      }
    }
  });

  // node's one-shot hkdf caps info at 1024 bytes; longer infos (a big GroupContext in ExpandWithLabel) take the
  // composed path. Cross-check that path against @hpke/core's independent WebCrypto HKDF.
  test("info longer than node's 1024-byte hkdf limit matches @hpke/core", async () => {
    const reference = new HkdfSha256();
    for (const [infoLen, size] of [[1025, 32], [4000, 77], [70_000, 255 * 32]] as const) {
      const ikm = new Uint8Array(40).fill(7);
      const salt = new Uint8Array(13).fill(9);
      const info = new Uint8Array(infoLen).map((_, i) => i & 0xff);
      const prk = new Uint8Array(await reference.extract(new Uint8Array(32).fill(0).map((_, i) => i), ikm));
      const want = toHex(new Uint8Array(await reference.expand(prk, info, size)));
      expect(toHex(nodeHkdfExpand("SHA-256", prk, info, size))).toBe(want);
      const full = new Uint8Array(await reference.expand(new Uint8Array(await reference.extract(new Uint8Array(32), ikm)), info, size));
      expect(toHex(nodeHkdf("SHA-256", new Uint8Array(0), ikm, info, size))).toBe(toHex(full));
      expect(nodeHkdf("SHA-256", salt, ikm, info, size).length).toBe(size);
      tally.run("cross-check (long info)");
    }
  });
});
