// Shared driver for the passive-client-{welcome,handling-commit,random}.json vectors (mls-implementations
// test-vectors.md "Passive Client"): join from a Welcome (RFC 9420 §12.4.3.1), then process each epoch's proposals
// and commit as a non-committing member, checking epoch_authenticator (§8.7) after the join and after every commit.
import { expect } from "vitest";
import { bytesToBase64, joinGroup, makePskIndex, type CiphersuiteImpl, type ClientState } from "ts-mls";
import { decodeMlsMessage } from "ts-mls/message.js";
import { processPrivateMessage, processPublicMessage } from "ts-mls/processMessages.js";
import { decodeRatchetTree } from "ts-mls/ratchetTree.js";
import { hex, hpkeKeysMatch, signatureKeysMatch, toHex } from "./_support.js";

export interface PassiveClientCase {
  cipher_suite: number;
  external_psks: { psk_id: string; psk: string }[];
  key_package: string;
  signature_priv: string;
  encryption_priv: string;
  init_priv: string;
  welcome: string;
  ratchet_tree: string | null;
  initial_epoch_authenticator: string;
  epochs: { proposals: string[]; commit: string; epoch_authenticator: string }[];
}

async function processHandshake(state: ClientState, message: string, psks: Record<string, Uint8Array>, impl: CiphersuiteImpl): Promise<ClientState> {
  const m = decodeMlsMessage(hex(message), 0)?.[0];
  const pskIndex = makePskIndex(state, psks);
  if (m?.wireformat === "mls_private_message") return (await processPrivateMessage(state, m.privateMessage, pskIndex, impl)).newState;
  if (m?.wireformat === "mls_public_message") return (await processPublicMessage(state, m.publicMessage, pskIndex, impl)).newState;
  throw new Error("handshake message is neither a PublicMessage nor a PrivateMessage");
}

export async function runPassiveClient(v: PassiveClientCase, impl: CiphersuiteImpl): Promise<void> {
  const kp = decodeMlsMessage(hex(v.key_package), 0)?.[0];
  const welcome = decodeMlsMessage(hex(v.welcome), 0)?.[0];
  if (kp?.wireformat !== "mls_key_package" || welcome?.wireformat !== "mls_welcome") throw new Error("could not decode KeyPackage/Welcome");

  // The private keys in the vector belong to the KeyPackage.
  expect(await hpkeKeysMatch(kp.keyPackage.leafNode.hpkePublicKey, hex(v.encryption_priv), impl)).toBe(true);
  expect(await hpkeKeysMatch(kp.keyPackage.initKey, hex(v.init_priv), impl)).toBe(true);
  expect(await signatureKeysMatch(kp.keyPackage.leafNode.signaturePublicKey, hex(v.signature_priv), impl)).toBe(true);

  const psks: Record<string, Uint8Array> = {};
  for (const p of v.external_psks) psks[bytesToBase64(hex(p.psk_id))] = hex(p.psk);
  const tree = v.ratchet_tree === null ? undefined : decodeRatchetTree(hex(v.ratchet_tree), 0)?.[0];

  let state = await joinGroup(
    welcome.welcome,
    kp.keyPackage,
    { initPrivateKey: hex(v.init_priv), hpkePrivateKey: hex(v.encryption_priv), signaturePrivateKey: hex(v.signature_priv) },
    makePskIndex(undefined, psks),
    impl,
    tree,
  );
  expect(toHex(state.keySchedule.epochAuthenticator), "initial epoch_authenticator").toBe(v.initial_epoch_authenticator);

  for (const [n, epoch] of v.epochs.entries()) {
    for (const p of epoch.proposals) state = await processHandshake(state, p, psks, impl);
    state = await processHandshake(state, epoch.commit, psks, impl);
    expect(toHex(state.keySchedule.epochAuthenticator), `epoch_authenticator after commit ${n}`).toBe(epoch.epoch_authenticator);
  }
}
