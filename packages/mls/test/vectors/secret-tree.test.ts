// secret-tree.json: sender-data key/nonce (RFC 9420 §6.3.2) and the per-leaf handshake/application ratchets (§9).
import { describe, expect, test } from "vitest";
import type { CiphersuiteImpl } from "ts-mls";
import { defaultKeyRetentionConfig } from "ts-mls/keyRetentionConfig.js";
import { createSecretTree, ratchetToGeneration, type SecretTree } from "ts-mls/secretTree.js";
import { expandSenderDataKey, expandSenderDataNonce, type ReuseGuard } from "ts-mls/sender.js";
import { forEachProvider, hex, loadVectors, Tally, toHex, VECTORS_MISSING } from "./_support.js";

interface Generation {
  generation: number;
  handshake_key: string;
  handshake_nonce: string;
  application_key: string;
  application_nonce: string;
}

interface SecretTreeCase {
  cipher_suite: number;
  sender_data: { sender_data_secret: string; ciphertext: string; key: string; nonce: string };
  encryption_secret: string;
  leaves: Generation[][];
}

const FILE = "secret-tree.json";
const cases = loadVectors<SecretTreeCase>(FILE);
const tally = new Tally(FILE);

async function check(v: SecretTreeCase, impl: CiphersuiteImpl): Promise<void> {
  const sd = v.sender_data;
  expect(toHex(await expandSenderDataKey(impl, hex(sd.sender_data_secret), hex(sd.ciphertext)))).toBe(sd.key);
  expect(toHex(await expandSenderDataNonce(impl, hex(sd.sender_data_secret), hex(sd.ciphertext)))).toBe(sd.nonce);

  let tree: SecretTree = await createSecretTree(v.leaves.length, hex(v.encryption_secret), impl.kdf);
  for (const [leafIndex, gens] of v.leaves.entries()) {
    for (const g of gens) {
      // A zero reuse guard leaves the derived nonce as-is (RFC 9420 §6.3.1 XORs it in afterwards).
      const senderData = { leafIndex, generation: g.generation, reuseGuard: new Uint8Array(4) as ReuseGuard };
      const app = await ratchetToGeneration(tree, senderData, "application", defaultKeyRetentionConfig, impl);
      expect(app.generation).toBe(g.generation);
      expect(toHex(app.key)).toBe(g.application_key);
      expect(toHex(app.nonce)).toBe(g.application_nonce);
      const hs = await ratchetToGeneration(app.newTree, senderData, "commit", defaultKeyRetentionConfig, impl);
      expect(hs.generation).toBe(g.generation);
      expect(toHex(hs.key)).toBe(g.handshake_key);
      expect(toHex(hs.nonce)).toBe(g.handshake_nonce);
      tree = hs.newTree;
    }
  }
}

describe.skipIf(VECTORS_MISSING).concurrent(FILE, () => {
  test.each(cases.map((v, i) => [i, v] as const))("case %i", async (_i, v) => {
    await forEachProvider(tally, v.cipher_suite, ({ impl }) => check(v, impl));
  });
});
