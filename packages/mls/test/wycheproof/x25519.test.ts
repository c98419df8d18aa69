// Wycheproof X25519 (RFC 7748) against nodeX25519, the DH the provider's HPKE KEM uses.
//
// Policy for "acceptable" cases: an all-zero shared secret (low-order public key) MUST be refused (RFC 7748 §6.1,
// RFC 9180 §7.1.4 "Validation of Inputs and Outputs"); every other acceptable input (non-canonical u, twist points,
// unusual private keys) must give the expected shared secret, as RFC 7748 §5 requires decoding any 32-byte u.
import { describe, expect, test } from "vitest";
import { nodeX25519 } from "../../src/node-crypto-provider.js";
import { hex, loadWycheproof, toHex, WycheproofTally, VECTORS_MISSING, type WycheproofTest } from "./_wycheproof.js";

interface XdhTest extends WycheproofTest {
  public: string;
  private: string;
  shared: string;
}
interface XdhGroup {
  curve: string;
  tests: XdhTest[];
}

const FILE = "x25519_test.json";
const data = loadWycheproof<XdhGroup>(FILE);
const tally = new WycheproofTally(FILE);
const ZERO = "00".repeat(32);

describe.skipIf(VECTORS_MISSING)(FILE, () => {
  test("all groups", () => {
    for (const g of data.testGroups) {
      expect(g.curve).toBe("curve25519");
      for (const t of g.tests) {
        const where = `tcId ${t.tcId} (${t.comment})`;
        if (t.shared === ZERO) {
          expect(t.result, where).not.toBe("valid");
          expect(() => nodeX25519(hex(t.private), hex(t.public)), where).toThrow(/all-zero/);
          tally.run(`${t.result} (zero shared secret, refused)`);
        } else if (t.result === "invalid") {
          expect(() => nodeX25519(hex(t.private), hex(t.public)), where).toThrow();
          tally.run(t.result);
        } else {
          expect(toHex(nodeX25519(hex(t.private), hex(t.public))), where).toBe(t.shared);
          tally.run(t.result);
        }
      }
    }
  });
});
