import {
  ClientErrorCode,
  MlsErrorCode,
  appPayloadSchema,
  fromBase64,
  isSealroomError,
  type AppPayload,
  type ChatMessage,
  type LogEntry,
} from '@sealroom/protocol';
import { decodeGroup, encodeGroup, epochOf, membersOf, peekContentType, processIncoming, type Group } from '@sealroom/mls';
import type { RoomRecord, RoomWrite } from './client-store.js';
import type { EngineContext } from './engine-context.js';

/** What processing one log entry asks the engine to do after it has been persisted. */
export type EntryFollowUp =
  | { kind: 'meta-requested'; by: string; seq: number }
  | { kind: 'leave-proposed'; handle: string }
  | { kind: 'members-changed' }
  | { kind: 'meta-seen'; seq: number };

export type EntryResult = { write: RoomWrite & { room: RoomRecord }; messages: ChatMessage[]; followUps: EntryFollowUp[]; group: Group };

const utf8 = new TextDecoder('utf-8', { fatal: true });

function parsePayload(bytes: Uint8Array): AppPayload | null {
  try {
    const p = appPayloadSchema.safeParse(JSON.parse(utf8.decode(bytes)));
    return p.success ? p.data : null;
  } catch {
    return null;
  }
}

/**
 * Apply one entry of a room's log to the room (RFC 9420 §14: in the order the delivery service fixed).
 * Pure with respect to storage: returns the write to persist atomically; the caller persists, then emits.
 *
 * The relay is untrusted, so its labels (`kind`, `sender`) never decide what MLS does: the entry's
 * declared MLS content type must match the relay path it came through (a commit outside `room.commit`
 * skipped the one-commit-per-epoch check), senders come from MLS, a message id already shown is never
 * shown or overwritten again, and what cannot be decrypted becomes an 'undecryptable' placeholder —
 * never silently dropped.
 */
export async function processEntry(ctx: EngineContext, room: RoomRecord, entry: LogEntry): Promise<EntryResult> {
  const initial = ctx.groups.get(room);
  let group = initial;
  const next: RoomRecord = { ...room, lastSeq: entry.seq };
  const messages: ChatMessage[] = [];
  const followUps: EntryFollowUp[] = [];
  const outboxDelete: string[] = [];
  const warn = (code: string, text: string) => ctx.events.emit('warning', { roomId: room.roomId, code, text });
  const done = (): EntryResult => {
    next.epoch = epochOf(group);
    // Re-encode only if this entry changed the state (most entries of our own do not).
    const bytes = group === initial ? room.group : encodeGroup(group);
    next.group = bytes;
    ctx.groups.set(room.roomId, bytes, group);
    return { write: { room: next, messages, outboxDelete }, messages, followUps, group };
  };

  if (room.status !== 'active') return done();

  const existing = await ctx.store.getMessage(room.roomId, entry.msgId);
  const outboxed = await ctx.store.getOutboxItem(room.roomId, entry.msgId);

  // Our own commit, now accepted: adopt the state we prepared when we built it.
  if (entry.kind === 'commit' && room.pendingCommit?.msgId === entry.msgId) {
    group = decodeGroup(room.pendingCommit.newGroup, ctx.config);
    next.pendingCommit = null;
    followUps.push({ kind: 'members-changed' });
    pruneLeaves(next, group);
    return done();
  }

  // Our own application message came back: it is durably accepted. (Senders cannot decrypt their own.)
  if (entry.kind === 'application' && (outboxed || existing?.own)) {
    if (outboxed) outboxDelete.push(entry.msgId);
    if (existing && (existing.state !== 'sent' || existing.seq === null)) messages.push({ ...existing, state: 'sent', seq: entry.seq });
    else if (existing && existing.seq !== entry.seq) warn(ClientErrorCode.BadPayload, `message ${entry.msgId} replayed at seq ${entry.seq}; ignored`);
    return done();
  }

  const declared = peekContentType(fromBase64(entry.data));
  if (declared !== entry.kind) {
    warn(ClientErrorCode.BadPayload, `entry at seq ${entry.seq} is a ${declared ?? 'malformed message'} delivered as ${entry.kind}; ignored`);
    if (entry.kind === 'application' && !existing) messages.push(undecryptable(room, entry));
    return done();
  }

  if (entry.kind === 'commit') {
    // Someone else's commit won this epoch: any commit of ours from the same epoch is dead.
    next.pendingCommit = null;
    try {
      const r = await processIncoming(group, fromBase64(entry.data));
      if (r.kind !== 'commit') throw new Error('not a commit');
      if (r.sender === null && !room.open) {
        // Only open rooms publish GroupInfo; an external commit into an invite-only room means someone
        // (the relay or a member) is trying to add a reader. Refuse it loudly rather than follow.
        next.status = 'failed';
        warn(MlsErrorCode.CommitRejected, `refused an external join into this invite-only room at seq ${entry.seq}; the room is stopped`);
        return done();
      }
      group = r.group;
      if (r.removedSelf) next.status = 'removed';
      followUps.push({ kind: 'members-changed' });
    } catch (e) {
      // We cannot follow the group past a commit we cannot process (security.md C2): stop, and say so.
      next.status = 'failed';
      warn(isSealroomError(e) ? e.code : MlsErrorCode.CommitRejected, `could not process the commit at seq ${entry.seq}; the room is stopped`);
    }
    pruneLeaves(next, group);
    return done();
  }

  if (entry.kind === 'proposal') {
    try {
      const r = await processIncoming(group, fromBase64(entry.data));
      if (r.kind === 'proposal') {
        group = r.group;
        if (r.selfRemove && !next.pendingLeaves.includes(r.sender.handle)) {
          next.pendingLeaves = [...next.pendingLeaves, r.sender.handle];
          followUps.push({ kind: 'leave-proposed', handle: r.sender.handle });
        }
      }
    } catch {
      warn(MlsErrorCode.DecryptFailed, `rejected a proposal at seq ${entry.seq}`);
    }
    return done();
  }

  if (existing) {
    // A message id we have already shown: a replay (by the relay or a member). Never shown twice, never
    // overwritten — the stored plaintext stays as it is.
    warn(ClientErrorCode.BadPayload, `message ${entry.msgId} replayed at seq ${entry.seq}; ignored`);
    return done();
  }
  try {
    const r = await processIncoming(group, fromBase64(entry.data));
    if (r.kind !== 'application') throw new Error('not an application message');
    group = r.group;
    const p = parsePayload(r.plaintext);
    if (!p || p.id !== entry.msgId) {
      messages.push(undecryptable(room, entry));
    } else if (p.type === 'text') {
      messages.push({
        id: p.id,
        roomId: room.roomId,
        sender: r.sender.handle,
        text: p.text,
        time: p.time,
        seq: entry.seq,
        state: 'received',
        own: false,
      });
      if (r.sender.handle !== entry.sender)
        warn(ClientErrorCode.BadPayload, `relay named ${entry.sender} as sender of a message MLS authenticates as ${r.sender.handle}`);
    } else if (p.type === 'meta') {
      next.name = p.name;
      next.open = p.open;
      followUps.push({ kind: 'meta-seen', seq: entry.seq });
    } else {
      followUps.push({ kind: 'meta-requested', by: r.sender.handle, seq: entry.seq });
    }
  } catch {
    messages.push(undecryptable(room, entry));
  }
  return done();
}

function undecryptable(room: RoomRecord, entry: LogEntry): ChatMessage {
  return {
    id: entry.msgId,
    roomId: room.roomId,
    sender: entry.sender,
    text: '',
    time: entry.time,
    seq: entry.seq,
    state: 'undecryptable',
    own: false,
  };
}

/** Members who asked to leave and are gone from the tree need no more chores. */
function pruneLeaves(room: RoomRecord, group: Group): void {
  const inTree = new Set(membersOf(group).map((m) => m.handle));
  room.pendingLeaves = room.pendingLeaves.filter((h) => inTree.has(h));
}
