import { inspectFraming, inspectGroupInfo, inspectWelcome, type FramingInfo, type GroupInfoHeader } from '@sealroom/mls';
import type { RoomId } from '@sealroom/protocol';

/*
 * What the relay checks of every MLS message before it stores it, from the framing that is public by design
 * (RFC 9420 §6.2 and §6.3.1: group id, epoch and content type travel in the clear, also in a PrivateMessage).
 * The relay holds no keys, so it cannot tell a well-formed message from a forged one; it can tell junk, a
 * message for another group, one from another epoch and a commit that is not a commit. Refusing those before
 * the store's compare-and-set is what keeps one junk packet from moving a room's epoch (docs/security.md,
 * "What the relay checks"). Bytes are decoded once here and nowhere else on the relay.
 */

export type FramingVerdict = { ok: true } | { ok: false; reason: string };

const refuse = (reason: string): FramingVerdict => ({ ok: false, reason });
const OK: FramingVerdict = { ok: true };

function framingOf(b64: string): FramingInfo | null {
  try {
    return inspectFraming(Buffer.from(b64, 'base64'));
  } catch {
    return null;
  }
}

function groupInfoOf(b64: string): GroupInfoHeader | null {
  try {
    return inspectGroupInfo(Buffer.from(b64, 'base64'));
  } catch {
    return null;
  }
}

/** A GroupInfo the relay is asked to publish: it must describe `epoch` of this room. */
export function checkGroupInfo(roomId: RoomId, epoch: number, groupInfo: string): FramingVerdict {
  const gi = groupInfoOf(groupInfo);
  if (gi === null) return refuse('group info is not an MLS GroupInfo');
  if (gi.groupId !== roomId) return refuse('group info is for another group');
  if (gi.epoch !== BigInt(epoch)) return refuse('group info is not of the epoch the commit starts');
  return OK;
}

export type CommitFraming = {
  roomId: RoomId;
  /** The epoch the request says the commit was made in. */
  epoch: number;
  external: boolean;
  commit: string;
  groupInfo?: string | undefined;
  welcome?: string | undefined;
  adds: readonly string[];
};

/**
 * A commit: a framed commit of this group made in the request's epoch; the GroupInfo it publishes is of the
 * next epoch; its Welcome is a Welcome, in the same suite, and only where someone is added. A member's commit
 * must be a PrivateMessage: Sealroom encrypts handshake messages (RFC 9420 §6, `wireAsPublicMessage: false`),
 * and a member commit sent in the clear would show who was added and removed to anyone on the path. An
 * external commit is always a PublicMessage (§12.4.3.2) and is read further by `checkExternalCommit`.
 */
export function checkCommitFraming(c: CommitFraming): FramingVerdict {
  const f = framingOf(c.commit);
  if (f === null) return refuse('commit is not an MLS message');
  if (f.groupId !== c.roomId) return refuse('commit is for another group');
  if (f.epoch !== BigInt(c.epoch)) return refuse('commit epoch differs from the request');
  if (f.contentType !== 'commit') return refuse(`not a commit: ${f.contentType}`);
  const expected = c.external ? 'mls_public_message' : 'mls_private_message';
  if (f.wireformat !== expected) return refuse(c.external ? 'an external commit is a PublicMessage' : "a member's commit is a PrivateMessage");
  let suite: string | null = null;
  if (c.groupInfo !== undefined) {
    const v = checkGroupInfo(c.roomId, c.epoch + 1, c.groupInfo);
    if (!v.ok) return v;
    suite = groupInfoOf(c.groupInfo)?.cipherSuite ?? null;
  }
  if (c.welcome !== undefined) {
    if (c.adds.length === 0) return refuse('a Welcome for no one');
    let w;
    try {
      w = inspectWelcome(Buffer.from(c.welcome, 'base64'));
    } catch {
      return refuse('welcome is not an MLS Welcome');
    }
    if (w.recipients === 0) return refuse('a Welcome for no one');
    if (suite !== null && w.cipherSuite !== suite) return refuse('welcome is in another cipher suite');
  }
  return OK;
}

/**
 * An application message or a proposal (`room.send`): framed for this group in the request's epoch, with the
 * content type the request names. Application data is always a PrivateMessage (RFC 9420 §6).
 */
export function checkSendFraming(roomId: RoomId, epoch: number, kind: 'application' | 'proposal', data: string): FramingVerdict {
  const f = framingOf(data);
  if (f === null) return refuse('not an MLS message');
  if (f.groupId !== roomId) return refuse('message is for another group');
  if (f.epoch !== BigInt(epoch)) return refuse('message epoch differs from the request');
  if (f.contentType !== kind) return refuse(`content type ${f.contentType} sent as ${kind}`);
  if (kind === 'application' && f.wireformat !== 'mls_private_message') return refuse('application data is a PrivateMessage');
  return OK;
}
