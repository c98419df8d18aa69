// Wycheproof HMAC-SHA-256 (RFC 2104) against nodeHmac/nodeVerifyHmac and the suite-1 impl.hash.mac/verifyMac.
//
// MLS never truncates MACs (membership and confirmation tags are full Nh bytes, RFC 9420 §6.2 / §8.1), so
// verifyMac only ever accepts a full-length tag. For the 128-bit-tag groups the primitive is checked by comparing
// the tag prefix, and verifyMac must reject every such truncated tag.
import { describe, expect, test } from "vitest";
import { nodeHmac, nodeVerifyHmac } from "../../src/node-crypto-provider.js";
import { hex, loadWycheproof, nodeImpl, toHex, WycheproofTally, VECTORS_MISSING, type WycheproofTest } from "./_wycheproof.js";

interface MacTest extends WycheproofTest {
  key: string;
  msg: string;
  tag: string;
}
interface MacGroup {
  keySize: number;
  tagSize: number;
  tests: MacTest[];
}

const FILE = "hmac_sha256_test.json";
const data = loadWycheproof<MacGroup>(FILE);
const tally = new WycheproofTally(FILE);

describe.skipIf(VECTORS_MISSING)(FILE, () => {
  test("all groups", async () => {
    const impl = await nodeImpl("MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519");
    for (const g of data.testGroups) {
      for (const t of g.tests) {
        const where = `tcId ${t.tcId} (${t.comment})`;
        const [key, msg, tag] = [hex(t.key), hex(t.msg), hex(t.tag)];
        const full = nodeHmac("SHA-256", key, msg);
        const valid = t.result === "valid"; // no "acceptable" HMAC cases in this file
        expect(toHex(full.subarray(0, g.tagSize / 8)) === t.tag, where).toBe(valid);
        if (g.tagSize === 256) {
          expect(toHex(await impl.hash.mac(key, msg)) === t.tag, where).toBe(valid);
          expect(nodeVerifyHmac("SHA-256", key, tag, msg), where).toBe(valid);
          expect(await impl.hash.verifyMac(key, tag, msg), where).toBe(valid);
        } else {
          expect(nodeVerifyHmac("SHA-256", key, tag, msg), where).toBe(false);
          expect(await impl.hash.verifyMac(key, tag, msg), where).toBe(false);
        }
        tally.run(t.result);
      }
    }
  });
});
