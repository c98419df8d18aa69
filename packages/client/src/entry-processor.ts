import {
  ClientErrorCode,
  Limits,
  MlsErrorCode,
  appPayloadSchema,
  fromBase64,
  isSealroomError,
  missingCaseError,
  type AppPayload,
  type ChatMessage,
  type LogEntry,
  type SecurityEventKind,
} from '@sealroom/protocol';
import { decodeGroup, encodeGroup, epochOf, inspectFraming, membersOf, peekContentType, processIncoming, type Group } from '@sealroom/mls';
import type { ContactWrite, NewSecurityEvent, RoomRecord, RoomWrite } from './client-store.js';
import type { EngineContext } from './engine-context.js';
import { externalCommitRefusal } from './external-commit-rules.js';
import { verdictEvents } from './identity-gate.js';
import { transition } from './room-state.js';
import { applyChain, payloadHash } from './history-chain.js';

/** What processing one log entry asks the engine to do after it has been persisted. */
export type EntryFollowUp =
  | { kind: 'meta-requested'; by: string; seq: number }
  | { kind: 'leave-proposed'; handle: string }
  | { kind: 'members-changed' }
  | { kind: 'meta-seen'; seq: number };

export type EntryResult = {
  write: RoomWrite & { room: RoomRecord };
  messages: ChatMessage[];
  followUps: EntryFollowUp[];
  group: Group;
  /** Security events to persist and show once the write has landed. */
  events: NewSecurityEvent[];
};

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
  let next: RoomRecord = { ...room, lastSeq: entry.seq };
  const messages: ChatMessage[] = [];
  const followUps: EntryFollowUp[] = [];
  const outboxDelete: string[] = [];
  const messagesDelete: string[] = [];
  const contacts: ContactWrite[] = [];
  const events: NewSecurityEvent[] = [];
  const warn = (kind: SecurityEventKind, code: string | null, text: string, handle: string | null = null) =>
    events.push({ kind, roomId: room.roomId, handle, code, text });
  const done = (): EntryResult => {
    next.epoch = epochOf(group);
    // Re-encode only if this entry changed the state (most entries of our own do not).
    const bytes = group === initial ? room.group : encodeGroup(group);
    next.group = bytes;
    ctx.groups.set(room.roomId, bytes, group);
    return { write: { room: next, messages, outboxDelete, contacts, messagesDelete }, messages, followUps, group, events };
  };

  if (room.status !== 'active') return done();

  const existing = await ctx.store.getMessage(room.roomId, entry.msgId);
  const outboxed = await ctx.store.getOutboxItem(room.roomId, entry.msgId);

  // Our own commit, now accepted: adopt the state we prepared when we built it.
  if (entry.kind === 'commit' && room.pendingCommit?.msgId === entry.msgId) {
    group = decodeGroup(room.pendingCommit.newGroup, ctx.config);
    const { adds, removes } = room.pendingCommit;
    next.pendingCommit = null;
    next.removed = banList(room, adds, removes);
    followUps.push({ kind: 'members-changed' });
    pruneLeaves(next, group);
    return done();
  }

  // Our own application message came back: it is durably accepted. (Senders cannot decrypt their own.)
  if (entry.kind === 'application' && (outboxed || existing?.own)) {
    if (outboxed) outboxDelete.push(entry.msgId);
    if (existing && (existing.state !== 'sent' || existing.seq === null)) messages.push({ ...existing, state: 'sent', seq: entry.seq });
    else if (existing && existing.seq !== entry.seq)
      warn('replay', ClientErrorCode.BadPayload, `the relay replayed message ${entry.msgId} at seq ${entry.seq}; ignored`);
    return done();
  }

  const declared = peekContentType(fromBase64(entry.data));
  if (declared !== entry.kind) {
    warn('relay-contradicted', ClientErrorCode.BadPayload, `entry at seq ${entry.seq} is a ${declared ?? 'malformed message'} delivered as ${entry.kind}; ignored`);
    if (entry.kind === 'application' && !existing) messages.push(undecryptable(room, entry));
    return done();
  }

  if (entry.kind === 'commit') {
    // A commit made in an epoch this device has already left is a replay, or was built on a stale GroupInfo
    // the relay served: an honest relay accepts one commit per epoch, at the room's epoch (RFC 9420 §14).
    // Ignored and reported, never a reason to stop the room (0.1 went out of sync for good on one replay).
    const made = commitEpochOf(entry.data);
    if (made !== null && made < BigInt(epochOf(group))) {
      warn('replay', ClientErrorCode.BadPayload, `the relay delivered a commit of epoch ${made} at seq ${entry.seq}, but this room is at epoch ${epochOf(group)}: a replay, or a commit made from a stale copy of the room; ignored`, entry.sender);
      return done();
    }
    // Someone else's commit won this epoch: any commit of ours from the same epoch is dead.
    next.pendingCommit = null;
    const stop = (code: string, text: string, kind: SecurityEventKind = 'commit-refused', handle: string | null = null) => {
      group = initial;
      // The commit is not applied and the sequence stays before it: this device cannot follow the group.
      next = transition({ ...next, lastSeq: room.lastSeq }, { type: 'desync', reason: text });
      warn(kind, code, `${text}; the room is out of sync on this device`, handle);
      return done();
    };
    const bytes = fromBase64(entry.data);
    const refusal = externalCommitRefusal(room, group, bytes, entry.sender, entry.seq);
    if (refusal) return stop(refusal.code, refusal.text, refusal.kind, refusal.handle);
    let r;
    try {
      r = await processIncoming(group, bytes);
      if (r.kind !== 'commit') throw new Error('not a commit');
    } catch (e) {
      // We cannot follow the group past a commit we cannot process (security.md C2): stop, and say so.
      return stop(isSealroomError(e) ? e.code : MlsErrorCode.CommitRejected, `could not process the commit at seq ${entry.seq}`);
    }
    // An external commit must add exactly its committer (whose credential the gate checks next).
    if (r.sender === null && (!r.joiner || r.added.some((x) => x.handle !== r.joiner?.handle)))
      return stop(ClientErrorCode.CommitRefused, `refused an external commit at seq ${entry.seq} that does not add exactly its committer`);
    // Every credential the commit brings (added leaves, changed leaf keys) against the relay and our contacts.
    const verdict = await ctx.gate.check(r.added, membersOf(r.group));
    events.push(...verdictEvents(verdict, room.roomId, `the commit at seq ${entry.seq}`));
    if (verdict.kind === 'refused') return stop(verdict.refusals[0]!.code, `refused the commit at seq ${entry.seq}`, 'commit-refused', verdict.refusals[0]!.handle);
    if (verdict.kind === 'changed') {
      // Held: nothing of this commit is applied and the sequence does not move, so accepting the new key
      // later processes it again from the log.
      group = initial;
      next = transition({ ...next, lastSeq: room.lastSeq }, { type: 'hold', handles: verdict.handles });
      contacts.push(...verdict.contacts);
      return done();
    }
    contacts.push(...verdict.contacts);
    group = r.group;
    if (r.removedSelf) next = transition(next, { type: 'removed' });
    // A removal nobody asked for by a self-remove proposal is a ban: it sticks in open rooms (see removed).
    next.removed = banList(
      room,
      r.added.map((m) => m.handle),
      r.removed.map((m) => m.handle),
    );
    followUps.push({ kind: 'members-changed' });
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
      warn('commit-refused', MlsErrorCode.DecryptFailed, `rejected a proposal at seq ${entry.seq}`);
    }
    return done();
  }

  if (existing) {
    // A message id we have already shown: a replay (by the relay or a member). Never shown twice, never
    // overwritten — the stored plaintext stays as it is.
    warn('replay', ClientErrorCode.BadPayload, `the relay replayed message ${entry.msgId} at seq ${entry.seq}; ignored`);
    return done();
  }
  let r;
  try {
    r = await processIncoming(group, fromBase64(entry.data));
    if (r.kind !== 'application') throw new Error('not an application message');
  } catch {
    messages.push(undecryptable(room, entry));
    // The relay accepts application messages only in the room's current epoch, which is ours: a message
    // this device cannot decrypt was either injected, or encrypted in a different history of this epoch.
    warn(
      'history-differs',
      MlsErrorCode.DecryptFailed,
      `a message from ${entry.sender} at seq ${entry.seq} could not be decrypted in this device's epoch: the relay injected it, or members were shown different histories (a fork)`,
      entry.sender,
    );
    return done();
  }
  group = r.group;
  const p = parsePayload(r.plaintext);
  if (!p || p.id !== entry.msgId) {
    messages.push(undecryptable(room, entry));
    return done();
  }
  const sender = r.sender.handle;
  if (sender !== entry.sender)
    warn('relay-contradicted', ClientErrorCode.BadPayload, `the relay named ${entry.sender} as sender of a message MLS authenticates as ${sender}`, sender);
  // Tamper-evident history: the sender's own chain, then (for a checkpoint) what it has seen of others.
  const chainOf = (who: string, n: number, direct: { prev: string; hash: string } | null, by: string) => {
    const o = applyChain(next, who, n, direct, entry.seq, by);
    next.senders = o.senders;
    next.missing = o.missing;
    messages.push(...o.placeholders);
    messagesDelete.push(...o.deletePlaceholders);
    events.push(...o.events);
  };
  if (p.c) chainOf(sender, p.c.n, { prev: p.c.p, hash: payloadHash(r.plaintext) }, sender);
  const type = p.type;
  switch (type) {
    case 'text':
      messages.push({ id: p.id, roomId: room.roomId, sender, text: p.text, time: p.time, seq: entry.seq, state: 'received', own: false });
      break;
    case 'meta': {
      // The first `meta` a newcomer by external commit receives tells it the room's name, openness and
      // removed handles (it could read nothing before joining). After that, openness and removals come only
      // from what this device saw itself (the Welcome, MLS commits): a member must not be able to close the
      // room for everyone's devices (honest joiners would then be refused) or wipe the removed list.
      const first = room.name === null;
      if (!first && p.name !== room.name) warn('room-renamed', null, `${sender} renamed the room to "${p.name}"`, sender);
      if (!first && p.open !== room.open)
        warn(
          p.open ? 'room-opened' : 'room-closed',
          ClientErrorCode.BadPayload,
          `${sender} claims the room is ${p.open ? 'open' : 'invite-only'}; ignored (a room's openness does not change)`,
          sender,
        );
      next.name = p.name;
      if (first) {
        next.open = p.open;
        if (p.removed) next.removed = p.removed.filter((h) => !membersOf(group).some((m) => m.handle === h));
      }
      followUps.push({ kind: 'meta-seen', seq: entry.seq });
      break;
    }
    case 'meta.request':
      followUps.push({ kind: 'meta-requested', by: sender, seq: entry.seq });
      break;
    case 'checkpoint':
      for (const [who, n] of Object.entries(p.seen)) if (who !== sender && who !== ctx.identity.handle) chainOf(who, n, null, sender);
      break;
    default:
      throw missingCaseError(type);
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

/**
 * The room's removed handles after a commit: a removal nobody asked for by a self-remove proposal is a ban
 * that sticks in open rooms; an Add (a new invitation) lifts it. A leaf replaced by the same handle (key
 * update, resync) is neither.
 */
function banList(room: RoomRecord, added: readonly string[], removed: readonly string[]): string[] {
  const left = new Set(room.pendingLeaves);
  const readmitted = new Set(added);
  const banned = removed.filter((h) => !left.has(h) && !readmitted.has(h));
  return [...new Set([...room.removed.filter((h) => !readmitted.has(h)), ...banned])].slice(-Limits.removedHandles);
}

/** Members who asked to leave and are gone from the tree need no more chores. */
function pruneLeaves(room: RoomRecord, group: Group): void {
  const inTree = new Set(membersOf(group).map((m) => m.handle));
  room.pendingLeaves = room.pendingLeaves.filter((h) => inTree.has(h));
}

/** The epoch a commit was made in, from its clear framing (RFC 9420 §6); null if it does not decode. */
function commitEpochOf(data: string): bigint | null {
  try {
    return inspectFraming(fromBase64(data)).epoch;
  } catch {
    return null;
  }
}
