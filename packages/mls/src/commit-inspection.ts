import type { Proposal, ProposalOrRef } from 'ts-mls';
import { ratchetTreeFromExtension } from 'ts-mls/groupInfo.js';
import { leafToNodeIndex, toLeafIndex } from 'ts-mls/treemath.js';
import { MlsErrorCode, SealroomError, toHex } from '@sealroom/protocol';
import { handleFromCredential } from './authentication-service.js';
import { decodeGroupInfoMessage, decodeHandshakeOrApp, decodeWelcomeMessage } from './codec.js';

/*
 * Decode-only views of MLS framing for the relay, which holds no keys and decrypts nothing. Everything here
 * reads fields that are public by design: the clear header of a framed message (RFC 9420 §6), the whole of
 * a PublicMessage (§6.2), and a GroupInfo's ratchet_tree extension (§12.4.3.3). Nothing is verified
 * cryptographically; callers use the result to refuse what is certainly wrong, never to trust what looks right.
 */

/** One proposal of a commit, by value; `reference` for a ProposalRef (RFC 9420 §12.4). */
export type InspectedProposal =
  | { type: 'remove'; removed: number }
  | { type: 'add' | 'update' | 'psk' | 'reinit' | 'external_init' | 'group_context_extensions' }
  | { type: 'custom'; proposalType: number }
  | { type: 'reference' };

/** What an external commit (RFC 9420 §12.4.3.2) says in the clear. */
export type ExternalCommitInfo = {
  /** Lowercase hex of the group id. */
  groupId: string;
  /** The epoch the commit was created in (the one it ends). */
  epoch: bigint;
  /** The joiner's new leaf, from the commit's update path. `handle` is null for a non-handle credential. */
  joiner: { handle: string | null; signatureKey: Uint8Array };
  proposals: InspectedProposal[];
};

/** The clear header every framed message carries (RFC 9420 §6.2, §6.3.1). */
export type FramingInfo = {
  wireformat: 'mls_public_message' | 'mls_private_message';
  groupId: string;
  epoch: bigint;
  contentType: 'application' | 'proposal' | 'commit';
};

const bad = (message: string, cause?: unknown): SealroomError =>
  new SealroomError(MlsErrorCode.BadMessage, message, cause === undefined ? undefined : { cause });

function inspectProposal(p: ProposalOrRef): InspectedProposal {
  if (p.proposalOrRefType === 'reference') return { type: 'reference' };
  const q: Proposal = p.proposal;
  switch (q.proposalType) {
    case 'remove':
      return { type: 'remove', removed: (q as Extract<Proposal, { proposalType: 'remove' }>).remove.removed };
    case 'add':
    case 'update':
    case 'psk':
    case 'reinit':
    case 'external_init':
    case 'group_context_extensions':
      return { type: q.proposalType };
    default:
      return { type: 'custom', proposalType: typeof q.proposalType === 'number' ? q.proposalType : -1 };
  }
}

/**
 * The clear framing of a PublicMessage or PrivateMessage. Throws ERR_MLS_BAD_MESSAGE for anything else
 * (junk, trailing bytes, a Welcome or key package).
 */
export function inspectFraming(bytes: Uint8Array): FramingInfo {
  const m = decodeHandshakeOrApp(bytes);
  if (m.wireformat === 'mls_private_message') {
    const pm = m.privateMessage;
    return { wireformat: m.wireformat, groupId: toHex(pm.groupId), epoch: pm.epoch, contentType: pm.contentType };
  }
  const c = m.publicMessage.content;
  return { wireformat: m.wireformat, groupId: toHex(c.groupId), epoch: c.epoch, contentType: c.contentType };
}

/** What a GroupInfo (RFC 9420 §12.4.3) says in the clear about the state it describes. */
export type GroupInfoHeader = { groupId: string; epoch: bigint; cipherSuite: string };

/** The group, epoch and suite of a GroupInfo. Throws ERR_MLS_BAD_MESSAGE for anything else. */
export function inspectGroupInfo(bytes: Uint8Array): GroupInfoHeader {
  const c = decodeGroupInfoMessage(bytes).groupContext;
  return { groupId: toHex(c.groupId), epoch: c.epoch, cipherSuite: c.cipherSuite };
}

/**
 * The suite and number of recipients of a Welcome (RFC 9420 §12.4.3.1). Everything else in it is encrypted
 * to the new members, so this only tells a Welcome from junk. Throws ERR_MLS_BAD_MESSAGE for anything else.
 */
export function inspectWelcome(bytes: Uint8Array): { cipherSuite: string; recipients: number } {
  const w = decodeWelcomeMessage(bytes);
  return { cipherSuite: w.cipherSuite, recipients: w.secrets.length };
}

/**
 * Reads an external commit: a PublicMessage commit whose sender is `new_member_commit` (RFC 9420 §12.4.3.2,
 * which also requires the update path that carries the joiner's new leaf). Throws ERR_MLS_BAD_MESSAGE for
 * anything else.
 */
export function inspectExternalCommit(bytes: Uint8Array): ExternalCommitInfo {
  const m = decodeHandshakeOrApp(bytes);
  // §12.4.3.2: an external commit is always a PublicMessage; nobody outside the group could encrypt it.
  if (m.wireformat !== 'mls_public_message') throw bad('an external commit is a PublicMessage');
  const c = m.publicMessage.content;
  if (c.contentType !== 'commit') throw bad('not a commit');
  if (c.sender.senderType !== 'new_member_commit') throw bad('not an external commit');
  const path = c.commit.path;
  if (path === undefined) throw bad('an external commit needs an update path');
  const leaf = path.leafNode;
  return {
    groupId: toHex(c.groupId),
    epoch: c.epoch,
    joiner: {
      handle: leaf.credential.credentialType === 'basic' ? handleFromCredential(leaf.credential.identity) : null,
      signatureKey: leaf.signaturePublicKey,
    },
    proposals: c.commit.proposals.map(inspectProposal),
  };
}

/**
 * The credential handle of each leaf index in a GroupInfo's ratchet_tree extension (RFC 9420 §12.4.3.3), in
 * the order asked: null for a blank or out-of-range leaf or a credential that is not a handle. Also returns
 * the GroupInfo's group id (hex) and epoch, so the caller can check it describes the state it thinks.
 * Throws ERR_MLS_BAD_MESSAGE for a GroupInfo that does not decode or carries no tree.
 */
export function leafHandles(
  groupInfoBytes: Uint8Array,
  leaves: readonly number[],
): { groupId: string; epoch: bigint; handles: (string | null)[] } {
  const gi = decodeGroupInfoMessage(groupInfoBytes);
  let tree;
  try {
    tree = ratchetTreeFromExtension(gi);
  } catch (e) {
    throw bad('malformed ratchet tree', e);
  }
  if (tree === undefined) throw bad('the group info carries no ratchet tree');
  const handles = leaves.map((leaf): string | null => {
    if (!Number.isSafeInteger(leaf) || leaf < 0) return null;
    const node = tree[leafToNodeIndex(toLeafIndex(leaf))];
    if (node === undefined || node.nodeType !== 'leaf') return null;
    const cred = node.leaf.credential;
    return cred.credentialType === 'basic' ? handleFromCredential(cred.identity) : null;
  });
  return { groupId: toHex(gi.groupContext.groupId), epoch: gi.groupContext.epoch, handles };
}
