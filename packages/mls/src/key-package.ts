import {
  defaultCapabilities,
  defaultLifetime,
  generateKeyPackageWithKey,
  type Credential,
  type PrivateKeyPackage,
} from 'ts-mls';
import { makeKeyPackageRef } from 'ts-mls/keyPackage.js';
import { fromBase64, toBase64, toHex } from '@sealroom/protocol';
import { decodeKeyPackageMessage, decodeWelcomeMessage, encodeKeyPackageMessage } from './codec.js';
import type { Identity } from './identity.js';
import { handleFromCredential } from './authentication-service.js';
import { getSuite } from './suite.js';

/** A key package as published (MLSMessage bytes) plus its private half, which never leaves the device. */
export type OwnKeyPackage = { ref: string; publicBytes: Uint8Array; privateBytes: Uint8Array };

export function credentialFor(handle: string): Credential {
  return { credentialType: 'basic', identity: new TextEncoder().encode(handle) };
}

/** RFC 9420 §10: a fresh init and encryption key, signed with the device identity key. */
export async function createKeyPackage(identity: Identity): Promise<OwnKeyPackage> {
  const cs = await getSuite();
  const { publicPackage, privatePackage } = await generateKeyPackageWithKey(
    credentialFor(identity.handle),
    defaultCapabilities(),
    defaultLifetime,
    [],
    { signKey: identity.signKey, publicKey: identity.publicKey },
    cs,
  );
  const ref = toHex(await makeKeyPackageRef(publicPackage, cs.hash));
  return { ref, publicBytes: encodeKeyPackageMessage(publicPackage), privateBytes: encodePrivateKeyPackage(privatePackage) };
}

/** RFC 9420 §5.2 KeyPackageRef of a published key package, hex. */
export async function keyPackageRef(publicBytes: Uint8Array): Promise<string> {
  const cs = await getSuite();
  return toHex(await makeKeyPackageRef(decodeKeyPackageMessage(publicBytes), cs.hash));
}

/**
 * The handle and signature key a published key package claims (its leaf node's basic credential), or null
 * when it is not a basic credential with a valid handle. Decode only: ts-mls checks the signature when the
 * package is committed.
 */
export function keyPackageIdentity(publicBytes: Uint8Array): { handle: string; publicKey: Uint8Array } | null {
  const kp = decodeKeyPackageMessage(publicBytes);
  const cred = kp.leafNode.credential;
  const handle = cred.credentialType === 'basic' ? handleFromCredential(cred.identity) : null;
  return handle === null ? null : { handle, publicKey: kp.leafNode.signaturePublicKey };
}

/** The key package refs a Welcome is addressed to (RFC 9420 §12.4.3.1 EncryptedGroupSecrets.new_member). */
export function welcomeRecipients(welcomeBytes: Uint8Array): string[] {
  return decodeWelcomeMessage(welcomeBytes).secrets.map((s) => toHex(s.newMember));
}

function encodePrivateKeyPackage(p: PrivateKeyPackage): Uint8Array {
  const o = { i: toBase64(p.initPrivateKey), h: toBase64(p.hpkePrivateKey), s: toBase64(p.signaturePrivateKey) };
  return new TextEncoder().encode(JSON.stringify(o));
}
export function decodePrivateKeyPackage(bytes: Uint8Array): PrivateKeyPackage {
  const o = JSON.parse(new TextDecoder().decode(bytes)) as { i: string; h: string; s: string };
  return { initPrivateKey: fromBase64(o.i), hpkePrivateKey: fromBase64(o.h), signaturePrivateKey: fromBase64(o.s) };
}
