import {
  createGroup as mlsCreateGroup,
  decodeGroupState,
  encodeGroupState,
  joinGroupWithExtensions,
  type ClientConfig,
  type ClientState,
} from 'ts-mls';
import { MlsErrorCode, SealroomError, toHex } from '@sealroom/protocol';
import { handleFromCredential } from './authentication-service.js';
import { decodeKeyPackageMessage, decodeWelcomeMessage } from './codec.js';
import type { Identity } from './identity.js';
import { decodePrivateKeyPackage, type OwnKeyPackage, createKeyPackage } from './key-package.js';
import { getSuite } from './suite.js';
import { WELCOME_INFO_EXTENSION } from './welcome-info.js';
import { emptyPskIndex, type Welcome } from 'ts-mls';
import { makeKeyPackageRef } from 'ts-mls/keyPackage.js';
import { accumulatePskSecret } from 'ts-mls/pskIndex.js';
import { decryptGroupInfo, decryptGroupSecrets } from 'ts-mls/welcome.js';

/**
 * One room's MLS group state. Immutable: every operation returns a new Group and leaves its input
 * untouched, so a failed or rejected operation changes nothing (RFC 9420 §14: a commit takes effect only
 * once the delivery service has accepted it).
 */
export type Group = { readonly state: ClientState };
export type MemberInfo = { leafIndex: number; handle: string; publicKey: Uint8Array };

/** Create a one-member group (RFC 9420 §11) with our identity as leaf 0. */
export async function createGroup(identity: Identity, groupId: Uint8Array, config: ClientConfig): Promise<Group> {
  const cs = await getSuite();
  const kp = await createKeyPackage(identity);
  const state = await mlsCreateGroup(
    groupId,
    decodeKeyPackageMessage(kp.publicBytes),
    decodePrivateKeyPackage(kp.privateBytes),
    [],
    cs,
    config,
  );
  return { state };
}

/** Join from a Welcome (RFC 9420 §12.4.3.1) addressed to one of our key packages; the tree comes in its ratchet_tree extension. */
export async function joinFromWelcome(
  welcomeBytes: Uint8Array,
  kp: OwnKeyPackage,
  config: ClientConfig,
): Promise<{ group: Group; welcomeInfo: Uint8Array | null; inviter: MemberInfo | null }> {
  const cs = await getSuite();
  const welcome = decodeWelcomeMessage(welcomeBytes);
  try {
    const [state, extensions] = await joinGroupWithExtensions(
      welcome,
      decodeKeyPackageMessage(kp.publicBytes),
      decodePrivateKeyPackage(kp.privateBytes),
      emptyPskIndex,
      cs,
      undefined,
      undefined,
      config,
    );
    const info = extensions.find((x) => x.extensionType === WELCOME_INFO_EXTENSION);
    const group = { state };
    return { group, welcomeInfo: info?.extensionData ?? null, inviter: memberAt(group, await welcomeSigner(welcome, kp)) };
  } catch (e) {
    throw new SealroomError(MlsErrorCode.DecryptFailed, 'cannot join from this welcome', { cause: e });
  }
}

/**
 * The leaf that signed the Welcome's GroupInfo — the committer who added us (RFC 9420 §12.4.3.1). ts-mls
 * verifies that signature while joining but does not say whose it was, so the GroupInfo is decrypted once
 * more with ts-mls's own functions to read `signer`. Sealroom never uses PSKs, so psk_secret is the zero
 * vector (RFC 9420 §8.4), computed by ts-mls from an empty list. Undefined if anything does not open.
 */
async function welcomeSigner(welcome: Welcome, kp: OwnKeyPackage): Promise<number | undefined> {
  const cs = await getSuite();
  const pub = decodeKeyPackageMessage(kp.publicBytes);
  const secrets = await decryptGroupSecrets(
    await cs.hpke.importPrivateKey(decodePrivateKeyPackage(kp.privateBytes).initPrivateKey),
    await makeKeyPackageRef(pub, cs.hash),
    welcome,
    cs.hpke,
  );
  if (!secrets || secrets.psks.length > 0) return undefined;
  const [pskSecret] = await accumulatePskSecret([], emptyPskIndex, cs, new Uint8Array(cs.kdf.size));
  const gi = await decryptGroupInfo(welcome, secrets.joinerSecret, pskSecret, cs);
  return gi?.signer;
}

export function epochOf(g: Group): number {
  return Number(g.state.groupContext.epoch);
}
export function groupIdOf(g: Group): Uint8Array {
  return g.state.groupContext.groupId;
}
/** RFC 9420 §8.7: equal for every member in the same epoch; a fork shows up as a mismatch. */
export function epochAuthenticatorOf(g: Group): string {
  return toHex(g.state.keySchedule.epochAuthenticator);
}
export function ownLeafIndex(g: Group): number {
  return g.state.privatePath.leafIndex;
}
export function isActive(g: Group): boolean {
  return g.state.groupActiveState.kind === 'active';
}

/** Members as the MLS tree says: the only source of truth for membership (never the relay's routing list). */
export function membersOf(g: Group): MemberInfo[] {
  const out: MemberInfo[] = [];
  const tree = g.state.ratchetTree;
  for (let i = 0; i < tree.length; i += 2) {
    const n = tree[i];
    if (n?.nodeType !== 'leaf') continue;
    const cred = n.leaf.credential;
    const handle = cred.credentialType === 'basic' ? handleFromCredential(cred.identity) : null;
    out.push({ leafIndex: i / 2, handle: handle ?? '?', publicKey: n.leaf.signaturePublicKey });
  }
  return out;
}

export function memberAt(g: Group, leafIndex: number | undefined): MemberInfo | null {
  if (leafIndex === undefined) return null;
  return membersOf(g).find((m) => m.leafIndex === leafIndex) ?? null;
}

export function encodeGroup(g: Group): Uint8Array {
  return encodeGroupState(g.state);
}

export function decodeGroup(bytes: Uint8Array, config: ClientConfig): Group {
  let r;
  try {
    r = decodeGroupState(bytes, 0);
  } catch (e) {
    throw new SealroomError(MlsErrorCode.BadState, 'corrupt group state', { cause: e });
  }
  if (!r || r[1] !== bytes.length) throw new SealroomError(MlsErrorCode.BadState, 'corrupt group state');
  return { state: { ...r[0], clientConfig: config } };
}

/** Leaves whose removal has been proposed (by reference) in this epoch and not yet committed. */
export function proposedRemovals(g: Group): number[] {
  const out: number[] = [];
  for (const p of Object.values(g.state.unappliedProposals)) {
    if (p.proposal.proposalType === 'remove') out.push(p.proposal.remove.removed);
  }
  return out;
}

/** RFC 9420 §12.2: a member with received, uncommitted proposals must commit before sending application data. */
export function hasPendingProposals(g: Group): boolean {
  return Object.keys(g.state.unappliedProposals).length > 0;
}
