import {
  createCommit,
  createGroupInfoWithExternalPubAndRatchetTree,
  createProposal,
  emptyPskIndex,
  joinGroupExternal,
  type ClientConfig,
  type Proposal,
} from 'ts-mls';
import { ratchetTreeFromExtension } from 'ts-mls/groupInfo.js';
import { MlsErrorCode, SealroomError } from '@sealroom/protocol';
import {
  decodeGroupInfoMessage,
  decodeKeyPackageMessage,
  encodeGroupInfoMessage,
  encodeMessage,
  encodeWelcomeMessage,
} from './codec.js';
import type { Group } from './group.js';
import type { Identity } from './identity.js';
import { createKeyPackage, decodePrivateKeyPackage } from './key-package.js';
import { getSuite } from './suite.js';
import { WELCOME_INFO_EXTENSION } from './welcome-info.js';

export type CommitOutput = {
  /** The state to adopt once — and only once — the relay accepts `commit`. */
  group: Group;
  commit: Uint8Array;
  welcome: Uint8Array | null;
  groupInfo: Uint8Array | null;
};

/**
 * Build a commit (RFC 9420 §12.4) adding the given key packages and removing the given leaves, plus any
 * proposals already received in this epoch (e.g. self-removals). The input group is not changed: if the
 * relay rejects the commit (another one won the epoch), the caller simply drops the output.
 */
export async function commitChanges(
  g: Group,
  opts: {
    addKeyPackages?: Uint8Array[];
    removeLeaves?: number[];
    publishGroupInfo: boolean;
    /** Application data for the newcomers only, carried encrypted in the Welcome's GroupInfo. */
    welcomeInfo?: Uint8Array;
  },
): Promise<CommitOutput> {
  const cs = await getSuite();
  const extraProposals: Proposal[] = [
    ...(opts.addKeyPackages ?? []).map(
      (kp): Proposal => ({ proposalType: 'add', add: { keyPackage: decodeKeyPackageMessage(kp) } }),
    ),
    ...(opts.removeLeaves ?? []).map((removed): Proposal => ({ proposalType: 'remove', remove: { removed } })),
  ];
  let r;
  try {
    r = await createCommit(
      { state: g.state, cipherSuite: cs, pskIndex: emptyPskIndex },
      // The ratchet tree rides in the Welcome so joiners need nothing else (RFC 9420 §12.4.3.3).
      {
        extraProposals,
        ratchetTreeExtension: true,
        wireAsPublicMessage: false,
        groupInfoExtensions: opts.welcomeInfo ? [{ extensionType: WELCOME_INFO_EXTENSION, extensionData: opts.welcomeInfo }] : [],
      },
    );
  } catch (e) {
    throw new SealroomError(MlsErrorCode.CommitRejected, 'cannot build commit', { cause: e });
  }
  const group = { state: r.newState };
  return {
    group,
    commit: encodeMessage(r.commit),
    welcome: r.welcome ? encodeWelcomeMessage(r.welcome) : null,
    groupInfo: opts.publishGroupInfo ? await groupInfoOf(group) : null,
  };
}

/**
 * A commit with no proposals but a fresh update path (RFC 9420 §12.4.1): new leaf and path keys, new epoch.
 * Post-compromise security: whatever leaked of our old keys stops mattering from the next epoch on.
 */
export function commitUpdate(g: Group, publishGroupInfo: boolean): Promise<CommitOutput> {
  return commitChanges(g, { publishGroupInfo });
}

/** GroupInfo with external_pub and the ratchet tree (RFC 9420 §12.4.3.2), for joins by external commit. */
export async function groupInfoOf(g: Group): Promise<Uint8Array> {
  const cs = await getSuite();
  return encodeGroupInfoMessage(await createGroupInfoWithExternalPubAndRatchetTree(g.state, [], cs));
}

/** Join an open room by external commit (RFC 9420 §12.4.3.2) from its published GroupInfo. */
export async function joinExternal(
  groupInfoBytes: Uint8Array,
  identity: Identity,
  config: ClientConfig,
  /** Re-enter a group we already have a leaf in: the commit also removes that old leaf (RFC 9420 §12.4.3.2 resync). */
  opts: { resync?: boolean } = {},
): Promise<{ group: Group; commit: Uint8Array }> {
  const cs = await getSuite();
  const gi = decodeGroupInfoMessage(groupInfoBytes);
  // Resync only if our old leaf is really there (ts-mls finds it by signature key; absent, it would misindex).
  const resync = opts.resync === true && (ratchetTreeFromExtension(gi) ?? []).some(
    (n) => n?.nodeType === 'leaf' && Buffer.from(n.leaf.signaturePublicKey).equals(Buffer.from(identity.publicKey)),
  );
  const kp = await createKeyPackage(identity);
  try {
    // The GroupInfo's tree is validated with our authentication service (every member's credential).
    const { publicMessage, newState } = await joinGroupExternal(
      gi,
      decodeKeyPackageMessage(kp.publicBytes),
      decodePrivateKeyPackage(kp.privateBytes),
      resync,
      cs,
      undefined,
      config,
    );
    const commit = encodeMessage({ version: 'mls10', wireformat: 'mls_public_message', publicMessage });
    return { group: { state: newState }, commit };
  } catch (e) {
    throw new SealroomError(MlsErrorCode.CommitRejected, 'cannot join this room by external commit', { cause: e });
  }
}

/** RFC 9420 §12.1.3: propose our own removal; another member must commit it. */
export async function proposeSelfRemove(g: Group): Promise<{ group: Group; proposal: Uint8Array }> {
  const cs = await getSuite();
  const r = await createProposal(
    g.state,
    false,
    { proposalType: 'remove', remove: { removed: g.state.privatePath.leafIndex } },
    cs,
  );
  return { group: { state: r.newState }, proposal: encodeMessage(r.message) };
}
