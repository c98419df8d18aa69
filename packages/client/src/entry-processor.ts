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
import { decodeGroup, encodeGroup, epochOf, membersOf, processIncoming, type Group } from '@sealroom/mls';
import type { RoomRecord, RoomWrite } from './client-store.js';
import type { EngineContext } from './engine-context.js';

/** What processing one log entry asks the engine to do after it has been persisted. */
export type EntryFollowUp =
  | { kind: 'meta-requested'; by: string; seq: number }
  | { kind: 'leave-proposed'; handle: string }
  | { kind: 'members-changed' }
  | { kind: 'meta-seen'; seq: number };

export type EntryResult = { write: RoomWrite; messages: ChatMessage[]; followUps: EntryFollowUp[]; group: Group };

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
 * A message that cannot be decrypted is kept as an 'undecryptable' placeholder, never silently dropped.
 */
export async function processEntry(ctx: EngineContext, room: RoomRecord, entry: LogEntry): Promise<EntryResult> {
  const me = ctx.identity.handle;
  let group = ctx.groups.get(room);
  const next: RoomRecord = { ...room, lastSeq: entry.seq };
  const messages: ChatMessage[] = [];
  const followUps: EntryFollowUp[] = [];
  const outboxDelete: string[] = [];

  const undecryptable = (): ChatMessage => ({
    id: entry.msgId,
    roomId: room.roomId,
    sender: entry.sender,
    text: '',
    time: entry.time,
    seq: entry.seq,
    state: 'undecryptable',
    own: false,
  });

  if (room.status !== 'active') return { write: { room: next }, messages, followUps, group };

  if (entry.kind === 'commit') {
    if (room.pendingCommit?.msgId === entry.msgId) {
      // Our own commit, now accepted: adopt the state we prepared when we built it.
      group = decodeGroup(room.pendingCommit.newGroup, ctx.config);
      next.pendingCommit = null;
      followUps.push({ kind: 'members-changed' });
    } else {
      // Someone else's commit won this epoch: any commit of ours from the same epoch is dead.
      next.pendingCommit = null;
      try {
        const r = await processIncoming(group, fromBase64(entry.data));
        if (r.kind !== 'commit') throw new Error('not a commit');
        group = r.group;
        if (r.removedSelf) next.status = 'removed';
        followUps.push({ kind: 'members-changed' });
      } catch (e) {
        // We cannot follow the group past a commit we cannot process (security.md C2): stop, and say so.
        next.status = 'failed';
        ctx.events.emit('warning', {
          roomId: room.roomId,
          code: isSealroomError(e) ? e.code : MlsErrorCode.CommitRejected,
          text: `could not process the commit at seq ${entry.seq} from ${entry.sender}; the room is stopped`,
        });
      }
    }
    const inTree = new Set(membersOf(group).map((m) => m.handle));
    next.pendingLeaves = next.pendingLeaves.filter((h) => inTree.has(h));
  } else if (entry.kind === 'proposal') {
    if (entry.sender !== me) {
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
        ctx.events.emit('warning', { roomId: room.roomId, code: MlsErrorCode.DecryptFailed, text: `rejected a proposal at seq ${entry.seq}` });
      }
    }
  } else {
    const own = entry.sender === me ? await ctx.store.getMessage(room.roomId, entry.msgId) : null;
    const outboxed = (await ctx.store.listOutbox()).some((o) => o.msgId === entry.msgId);
    if (own || outboxed) {
      // Our own message came back in the log: it is durably accepted. (MLS senders cannot decrypt their own.)
      outboxDelete.push(entry.msgId);
      if (own && (own.state !== 'sent' || own.seq !== entry.seq)) messages.push({ ...own, state: 'sent', seq: entry.seq });
    } else {
      try {
        const r = await processIncoming(group, fromBase64(entry.data));
        if (r.kind !== 'application') throw new Error('not an application message');
        group = r.group;
        const p = parsePayload(r.plaintext);
        if (!p || p.id !== entry.msgId) {
          messages.push(undecryptable());
        } else if (p.type === 'text') {
          const dup = await ctx.store.getMessage(room.roomId, p.id);
          if (!dup) {
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
          }
          if (r.sender.handle !== entry.sender) {
            ctx.events.emit('warning', {
              roomId: room.roomId,
              code: ClientErrorCode.BadPayload,
              text: `relay named ${entry.sender} as sender of a message MLS authenticates as ${r.sender.handle}`,
            });
          }
        } else if (p.type === 'meta') {
          next.name = p.name;
          followUps.push({ kind: 'meta-seen', seq: entry.seq });
        } else {
          followUps.push({ kind: 'meta-requested', by: r.sender.handle, seq: entry.seq });
        }
      } catch {
        messages.push(undecryptable());
      }
    }
  }

  next.epoch = epochOf(group);
  const bytes = group === ctx.groups.get(room) ? room.group : encodeGroup(group);
  next.group = bytes;
  ctx.groups.set(room.roomId, bytes, group);
  return { write: { room: next, messages, outboxDelete }, messages, followUps, group };
}
