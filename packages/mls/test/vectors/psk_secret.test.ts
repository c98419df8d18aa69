// psk_secret.json: combining external PSKs into psk_secret (RFC 9420 §8.4).
import { describe, expect, test } from "vitest";
import { computePskSecret, type PreSharedKeyID } from "ts-mls/presharedkey.js";
import { forEachProvider, hex, loadVectors, Tally, toHex, VECTORS_MISSING } from "./_support.js";

interface PskSecret {
  cipher_suite: number;
  psks: { psk_id: string; psk: string; psk_nonce: string }[];
  psk_secret: string;
}

const FILE = "psk_secret.json";
const cases = loadVectors<PskSecret>(FILE);
const tally = new Tally(FILE);

describe.skipIf(VECTORS_MISSING).concurrent(FILE, () => {
  test.each(cases.map((v, i) => [i, v] as const))("case %i", async (_i, v) => {
    const psks = v.psks.map((p): [PreSharedKeyID, Uint8Array] => [
      { psktype: "external", pskId: hex(p.psk_id), pskNonce: hex(p.psk_nonce) },
      hex(p.psk),
    ]);
    await forEachProvider(tally, v.cipher_suite, async ({ impl }) => {
      expect(toHex(await computePskSecret(psks, impl))).toBe(v.psk_secret);
    });
  });
});
