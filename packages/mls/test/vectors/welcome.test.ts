// welcome.json: decrypt a Welcome's EncryptedGroupSecrets and GroupInfo (RFC 9420 §12.4.3.1) and check the
// GroupInfo confirmation tag and signature.
import { describe, expect, test } from "vitest";
import type { CiphersuiteImpl } from "ts-mls";
import { verifyGroupInfoConfirmationTag, verifyGroupInfoSignature } from "ts-mls/groupInfo.js";
import { makeKeyPackageRef } from "ts-mls/keyPackage.js";
import { decodeMlsMessage } from "ts-mls/message.js";
import { decryptGroupInfo, decryptGroupSecrets } from "ts-mls/welcome.js";
import { forEachProvider, hex, loadVectors, Tally, toHex, VECTORS_MISSING } from "./_support.js";

interface WelcomeCase {
  cipher_suite: number;
  init_priv: string;
  signer_pub: string;
  key_package: string;
  welcome: string;
}

const FILE = "welcome.json";
const cases = loadVectors<WelcomeCase>(FILE);
const tally = new Tally(FILE);

async function check(v: WelcomeCase, impl: CiphersuiteImpl): Promise<void> {
  const w = decodeMlsMessage(hex(v.welcome), 0)?.[0];
  const kp = decodeMlsMessage(hex(v.key_package), 0)?.[0];
  if (w?.wireformat !== "mls_welcome" || kp?.wireformat !== "mls_key_package") throw new Error("could not decode vector messages");
  const ref = await makeKeyPackageRef(kp.keyPackage, impl.hash);
  expect(w.welcome.secrets.some((s) => toHex(s.newMember) === toHex(ref)), "KeyPackageRef listed in the Welcome").toBe(true);

  const secrets = await decryptGroupSecrets(await impl.hpke.importPrivateKey(hex(v.init_priv)), ref, w.welcome, impl.hpke);
  if (secrets === undefined) throw new Error("could not decrypt GroupSecrets");
  const pskSecret = new Uint8Array(impl.kdf.size); // no PSKs in these vectors: psk_secret = 0^Nh (§8.4)
  const gi = await decryptGroupInfo(w.welcome, secrets.joinerSecret, pskSecret, impl);
  if (gi === undefined) throw new Error("could not decrypt GroupInfo");
  expect(await verifyGroupInfoConfirmationTag(gi, secrets.joinerSecret, pskSecret, impl)).toBe(true);
  expect(await verifyGroupInfoSignature(gi, hex(v.signer_pub), impl.signature)).toBe(true);
}

describe.skipIf(VECTORS_MISSING).concurrent(FILE, () => {
  test.each(cases.map((v, i) => [i, v] as const))("case %i", async (_i, v) => {
    await forEachProvider(tally, v.cipher_suite, ({ impl }) => check(v, impl));
  });
});
