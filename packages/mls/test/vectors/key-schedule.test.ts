// key-schedule.json: a chain of epochs through the RFC 9420 §8 key schedule, plus external_pub (§8.3 / §12.4.3.2)
// and the exporter (§8.5).
import { describe, expect, test } from "vitest";
import type { CiphersuiteImpl } from "ts-mls";
import { encodeGroupContext } from "ts-mls/groupContext.js";
import { initializeEpoch, mlsExporter } from "ts-mls/keySchedule.js";
import { forEachProvider, groupContextOf, hex, loadVectors, Tally, toHex, VECTORS_MISSING } from "./_support.js";

interface Epoch {
  tree_hash: string;
  commit_secret: string;
  psk_secret: string;
  confirmed_transcript_hash: string;
  group_context: string;
  joiner_secret: string;
  welcome_secret: string;
  init_secret: string;
  sender_data_secret: string;
  encryption_secret: string;
  exporter_secret: string;
  epoch_authenticator: string;
  external_secret: string;
  confirmation_key: string;
  membership_key: string;
  resumption_psk: string;
  external_pub: string;
  exporter: { label: string; context: string; length: number; secret: string };
}

interface KeySchedule {
  cipher_suite: number;
  group_id: string;
  initial_init_secret: string;
  epochs: Epoch[];
}

const FILE = "key-schedule.json";
const cases = loadVectors<KeySchedule>(FILE);
const tally = new Tally(FILE);

async function check(v: KeySchedule, impl: CiphersuiteImpl): Promise<void> {
  let initSecret = hex(v.initial_init_secret);
  for (const [n, e] of v.epochs.entries()) {
    const gc = groupContextOf(v.cipher_suite, v.group_id, n, hex(e.tree_hash), e.confirmed_transcript_hash);
    expect(toHex(encodeGroupContext(gc)), `epoch ${n} group_context`).toBe(e.group_context);

    const s = await initializeEpoch(initSecret, hex(e.commit_secret), gc, hex(e.psk_secret), impl.kdf);
    expect(toHex(s.joinerSecret)).toBe(e.joiner_secret);
    expect(toHex(s.welcomeSecret)).toBe(e.welcome_secret);
    expect(toHex(s.encryptionSecret)).toBe(e.encryption_secret);
    const ks = s.keySchedule;
    expect(toHex(ks.initSecret)).toBe(e.init_secret);
    expect(toHex(ks.senderDataSecret)).toBe(e.sender_data_secret);
    expect(toHex(ks.exporterSecret)).toBe(e.exporter_secret);
    expect(toHex(ks.externalSecret)).toBe(e.external_secret);
    expect(toHex(ks.confirmationKey)).toBe(e.confirmation_key);
    expect(toHex(ks.membershipKey)).toBe(e.membership_key);
    expect(toHex(ks.resumptionPsk)).toBe(e.resumption_psk);
    expect(toHex(ks.epochAuthenticator)).toBe(e.epoch_authenticator);

    // external_pub = KEM.DeriveKeyPair(external_secret).public
    const { publicKey } = await impl.hpke.deriveKeyPair(ks.externalSecret);
    expect(toHex(await impl.hpke.exportPublicKey(publicKey))).toBe(e.external_pub);

    const x = e.exporter;
    expect(toHex(await mlsExporter(ks.exporterSecret, x.label, hex(x.context), x.length, impl))).toBe(x.secret);
    initSecret = ks.initSecret;
  }
}

describe.skipIf(VECTORS_MISSING).concurrent(FILE, () => {
  test.each(cases.map((v, i) => [i, v] as const))("case %i", async (_i, v) => {
    await forEachProvider(tally, v.cipher_suite, ({ impl }) => check(v, impl));
  });
});
