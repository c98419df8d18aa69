import { encodeMlsMessage, processMessage, createApplicationMessage, emptyPskIndex, type IncomingMessageCallback } from 'ts-mls';
import { unprotectPrivateMessage } from 'ts-mls/messageProtection.js';
import { getSenderLeafNodeIndex } from 'ts-mls/sender.js';
import { MlsErrorCode, SealroomError } from '@sealroom/protocol';
import { decodeHandshakeOrApp } from './codec.js';
import { epochOf, memberAt, membersOf, type Group, type MemberInfo } from './group.js';
import { getSuite } from './suite.js';

/** Encrypt application data as one PrivateMessage (RFC 9420 §6.3): encrypted once, fanned out by the relay. */
export async function encryptApplication(g: Group, plaintext: Uint8Array): Promise<{ group: Group; message: Uint8Array }> {
  const cs = await getSuite();
  const r = await createApplicationMessage(g.state, plaintext, cs);
  const message = encodeMlsMessage({ version: 'mls10', wireformat: 'mls_private_message', privateMessage: r.privateMessage });
  return { group: { state: r.newState }, message };
}

export type Incoming =
  | { kind: 'application'; group: Group; plaintext: Uint8Array; sender: MemberInfo }
  | {
      kind: 'commit';
      group: Group;
      /** null for an external commit: the sender is the new member. */
      sender: MemberInfo | null;
      /** For an external commit, the new member (it may reuse its old leaf's key and slot when it resyncs). */
      joiner: MemberInfo | null;
      added: MemberInfo[];
      removed: MemberInfo[];
      /** This commit removed us (RFC 9420 §12.4.2). */
      removedSelf: boolean;
    }
  | { kind: 'proposal'; group: Group; sender: MemberInfo; selfRemove: boolean };

export type FramedContentType = 'application' | 'proposal' | 'commit';

/**
 * The content type a framed message declares in the clear (RFC 9420 §6.2, §6.3.1: PrivateMessage carries
 * content_type outside the encryption). Lets the client refuse, before touching any state, a commit that
 * arrived through the relay's message path (which skips the relay's one-commit-per-epoch check).
 */
export function peekContentType(bytes: Uint8Array): FramedContentType | null {
  try {
    const m = decodeHandshakeOrApp(bytes);
    return m.wireformat === 'mls_private_message' ? m.privateMessage.contentType : m.publicMessage.content.contentType;
  } catch {
    return null;
  }
}

/** Opaque on purpose: which check failed is not revealed (no decryption oracle). */
function decryptFailed(cause?: unknown): SealroomError {
  return new SealroomError(MlsErrorCode.DecryptFailed, 'message rejected', cause === undefined ? undefined : { cause });
}

/**
 * Process one framed message from the room log. Application messages must be in the current epoch: the
 * relay accepts them only there, so anything else was injected (security.md B8). On any failure the input
 * group is unchanged and the error is ERR_MLS_DECRYPT_FAILED.
 */
export async function processIncoming(g: Group, bytes: Uint8Array): Promise<Incoming> {
  const cs = await getSuite();
  let m;
  try {
    m = decodeHandshakeOrApp(bytes);
  } catch (e) {
    throw decryptFailed(e);
  }
  try {
    if (m.wireformat === 'mls_private_message') {
      const pm = m.privateMessage;
      if (Number(pm.epoch) !== epochOf(g) || !sameBytes(pm.groupId, g.state.groupContext.groupId)) throw decryptFailed();
      if (pm.contentType === 'application') {
        // ts-mls' processMessage drops the sender; unprotect directly to learn the authenticated leaf.
        const s = g.state;
        const r = await unprotectPrivateMessage(
          s.keySchedule.senderDataSecret, pm, s.secretTree, s.ratchetTree, s.groupContext,
          s.clientConfig.keyRetentionConfig, cs,
        );
        if (r.content.content.contentType !== 'application') throw decryptFailed();
        const sender = memberAt(g, getSenderLeafNodeIndex(r.content.content.sender));
        if (!sender) throw decryptFailed();
        return {
          kind: 'application',
          group: { state: { ...s, secretTree: r.tree } },
          plaintext: r.content.content.applicationData,
          sender,
        };
      }
    } else if (m.publicMessage.content.contentType === 'application') {
      throw decryptFailed(); // RFC 9420 §6.2: application data is never sent as PublicMessage.
    }

    type Seen = { kind: 'commit'; sender: number | undefined } | { kind: 'proposal'; sender: number | undefined; selfRemove: boolean };
    const seen: { v: Seen | null } = { v: null };
    const policy: IncomingMessageCallback = (inc) => {
      if (inc.kind === 'commit') {
        seen.v = { kind: 'commit', sender: inc.senderLeafIndex };
        return 'accept';
      }
      const p = inc.proposal;
      const selfRemove = p.proposal.proposalType === 'remove' && p.proposal.remove.removed === p.senderLeafIndex;
      seen.v = { kind: 'proposal', sender: p.senderLeafIndex, selfRemove };
      // Members may only propose their own removal; everything else goes through a commit.
      return selfRemove ? 'accept' : 'reject';
    };
    const r = await processMessage(m, g.state, emptyPskIndex, policy, cs);
    const s = seen.v;
    if (r.kind !== 'newState' || s === null) throw decryptFailed();
    const next: Group = { state: r.newState };
    if (s.kind === 'proposal') {
      const sender = memberAt(g, s.sender);
      if (!sender || r.actionTaken !== 'accept') throw decryptFailed();
      return { kind: 'proposal', group: next, sender, selfRemove: s.selfRemove };
    }
    const before = membersOf(g);
    const after = r.newState.groupActiveState.kind === 'active' ? membersOf(next) : [];
    const key = (x: MemberInfo) => `${x.leafIndex}:${x.handle}:${Buffer.from(x.publicKey).toString('hex')}`;
    const beforeKeys = new Set(before.map(key));
    const afterKeys = new Set(after.map(key));
    return {
      kind: 'commit',
      group: next,
      sender: memberAt(g, s.sender),
      joiner: s.sender === undefined ? newLeaf(g, next) : null,
      added: after.filter((x) => !beforeKeys.has(key(x))),
      removed: before.filter((x) => !afterKeys.has(key(x))),
      removedSelf: r.newState.groupActiveState.kind === 'removedFromGroup',
    };
  } catch (e) {
    if (e instanceof SealroomError && e.code === MlsErrorCode.DecryptFailed) throw e;
    throw decryptFailed(e);
  }
}

/** The leaf of `after` whose HPKE encryption key no leaf of `before` has: the external committer's fresh leaf. */
function newLeaf(before: Group, after: Group): MemberInfo | null {
  const old = new Set<string>();
  const leaves = (g: Group) =>
    g.state.ratchetTree.flatMap((n, i) => (n?.nodeType === 'leaf' && i % 2 === 0 ? [{ leafIndex: i / 2, leaf: n.leaf }] : []));
  for (const l of leaves(before)) old.add(Buffer.from(l.leaf.hpkePublicKey).toString('hex'));
  const fresh = leaves(after).filter((l) => !old.has(Buffer.from(l.leaf.hpkePublicKey).toString('hex')));
  return fresh.length === 1 ? memberAt(after, fresh[0]!.leafIndex) : null;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;
}
