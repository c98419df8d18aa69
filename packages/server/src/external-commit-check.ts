import { inspectExternalCommit, leafHandles, type ExternalCommitInfo } from '@sealroom/mls';
import type { Handle, RoomId } from '@sealroom/protocol';

export type ExternalCommitClaim = {
  roomId: RoomId;
  /** The epoch the request says the commit was made in. */
  epoch: number;
  /** Base64 commit, as sent. */
  commit: string;
  /** The authenticated caller and the identity key its account is bound to. */
  caller: Handle;
  callerKey: string;
  /** The routing hint: handles the caller says its commit removes. */
  removes: readonly Handle[];
  /** The room's current GroupInfo (base64), whose tree names the leaves a Remove refers to. */
  groupInfo: string | null;
};

export type ExternalCommitVerdict = { ok: true } | { ok: false; reason: string };

const refuse = (reason: string): ExternalCommitVerdict => ({ ok: false, reason });

/**
 * What the relay can check of an external commit (RFC 9420 §12.4.3.2) without any key: it is a
 * PublicMessage, so its group, epoch, proposals and the joiner's new leaf are in the clear. An open room
 * lets anyone in, but only as themselves, and only by adding themselves: the joiner's credential must be the
 * caller's handle with the caller's account key, and the only proposals allowed are the one ExternalInit,
 * PSKs, and Removes of the caller's own old leaves (a resync, §12.4.3.2). Anything else — joining as someone
 * else, or evicting a member on the way in — is refused before anything is stored.
 *
 * The epoch is checked against the request, not the room: an honest commit that lost a race is stale,
 * not refused; the store's compare-and-set decides that.
 */
export function checkExternalCommit(claim: ExternalCommitClaim): ExternalCommitVerdict {
  let info: ExternalCommitInfo;
  try {
    info = inspectExternalCommit(Buffer.from(claim.commit, 'base64'));
  } catch {
    return refuse('not an external commit');
  }
  if (info.groupId !== claim.roomId) return refuse('commit is for another group');
  if (info.epoch !== BigInt(claim.epoch)) return refuse('commit epoch differs from the request');
  if (info.joiner.handle !== claim.caller) return refuse('joiner credential is not the caller');
  if (Buffer.from(info.joiner.signatureKey).toString('base64') !== claim.callerKey) {
    return refuse("joiner signature key is not the caller's identity key");
  }
  if (claim.removes.some((h) => h !== claim.caller)) return refuse('an external commit removes no one else');

  let externalInits = 0;
  const removed: number[] = [];
  for (const p of info.proposals) {
    if (p.type === 'external_init') externalInits += 1;
    else if (p.type === 'remove') removed.push(p.removed);
    else if (p.type !== 'psk') return refuse(`proposal not allowed in an external commit: ${p.type}`);
  }
  if (externalInits !== 1) return refuse('an external commit has exactly one ExternalInit');
  if (removed.length === 0) return { ok: true };

  if (claim.groupInfo === null) return refuse('no group info to resolve removed leaves');
  let leaves;
  try {
    leaves = leafHandles(Buffer.from(claim.groupInfo, 'base64'), removed);
  } catch {
    return refuse('cannot resolve removed leaves');
  }
  // The published GroupInfo must describe the epoch the commit was made in, or its leaves mean nothing here.
  if (leaves.groupId !== claim.roomId || leaves.epoch !== info.epoch) return refuse('group info is not of this epoch');
  if (leaves.handles.some((h) => h !== claim.caller)) return refuse("an external commit removes only the caller's own leaf");
  return { ok: true };
}
