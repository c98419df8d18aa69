// Wycheproof AES-GCM against nodeAeadSeal/nodeAeadOpen, and (AES-128) through the suite-1 CiphersuiteImpl's
// hpke.encryptAead/decryptAead -- the path ts-mls uses for PrivateMessage and Welcome GroupInfo encryption.
import { describe, expect, test } from "vitest";
import { nodeAeadOpen, nodeAeadSeal } from "../../src/node-crypto-provider.js";
import { hex, loadWycheproof, nodeImpl, toHex, WycheproofTally, VECTORS_MISSING, type AeadGroup } from "./_wycheproof.js";

const FILE = "aes_gcm_test.json";
const data = loadWycheproof<AeadGroup>(FILE);
const tally = new WycheproofTally(FILE);

describe.skipIf(VECTORS_MISSING)(FILE, () => {
  test("all groups", async () => {
    const impl = await nodeImpl("MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519");
    for (const g of data.testGroups) {
      const alg = g.keySize === 128 ? "AES128GCM" : g.keySize === 256 ? "AES256GCM" : undefined;
      // MLS/HPKE only ever use 96-bit nonces and 128-bit tags with AES-128/256 (RFC 9180 §7.3), and the adapter
      // refuses anything else. So: valid cases outside that space are skipped; invalid ones must still be rejected.
      const inMlsSpace = alg !== undefined && g.ivSize === 96 && g.tagSize === 128;
      for (const t of g.tests) {
        const where = `tcId ${t.tcId} (${t.comment})`;
        const key = hex(t.key);
        const iv = hex(t.iv);
        const aad = hex(t.aad);
        const sealed = hex(t.ct + t.tag);
        if (!inMlsSpace) {
          if (t.result === "valid") {
            tally.skip(alg === undefined ? "valid, 192-bit key (no MLS suite uses AES-192)" : "valid, IV not 96 bits (MLS/HPKE fix Nn = 12)");
            continue;
          }
          expect(() => nodeAeadOpen(alg ?? "AES128GCM", key, iv, aad, sealed), where).toThrow();
          tally.run(`${t.result} (outside MLS parameters, rejected)`);
          continue;
        }
        if (t.result === "valid") {
          expect(toHex(nodeAeadSeal(alg, key, iv, aad, hex(t.msg))), where).toBe(t.ct + t.tag);
          expect(toHex(nodeAeadOpen(alg, key, iv, aad, sealed)), where).toBe(t.msg);
          if (alg === "AES128GCM") {
            expect(toHex(await impl.hpke.encryptAead(key, iv, aad, hex(t.msg))), where).toBe(t.ct + t.tag);
            expect(toHex(await impl.hpke.decryptAead(key, iv, aad, sealed)), where).toBe(t.msg);
          }
        } else {
          // No "acceptable" AES-GCM cases exist in this file; treat any non-valid as must-reject.
          expect(() => nodeAeadOpen(alg, key, iv, aad, sealed), where).toThrow();
          if (alg === "AES128GCM") await expect(impl.hpke.decryptAead(key, iv, aad, sealed), where).rejects.toThrow();
        }
        tally.run(t.result);
      }
    }
  });
});
