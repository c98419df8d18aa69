import {
  ClientErrorCode,
  Limits,
  ProxyErrorCode,
  RelayErrorCode,
  SealroomError,
  isSealroomError,
  toBase64,
  type ChatMessage,
  type Handle,
  type LogEntry,
  type MessageId,
  type RoomId,
  type RoomSummary,
} from '@sealroom/protocol';
import { commitChanges, encodeGroup, hasPendingProposals, membersOf, proposedRemovals, type Group, type MemberInfo } from '@sealroom/mls';
import type { OutboxItem, PendingCommit, RoomRecord, RoomWrite } from './client-store.js';
import type { EngineContext } from './engine-context.js';
import type { Held } from './keyed-mutex.js';
import { processEntry, type EntryFollowUp } from './entry-processor.js';
import { randomId } from './random-id.js';
import { recoveryOf, transition } from './room-state.js';

export type CommitPlan = {
  addKeyPackages?: Uint8Array[];
  adds?: string[];
  removeLeaves?: number[];
  /** For newcomers only, inside the Welcome. */
  welcomeInfo?: Uint8Array;
};

/** Relay answers that mean "this will never be accepted": anything else may be retried. */
export const PERMANENT: ReadonlySet<string> = new Set([
  RelayErrorCode.StaleEpoch,
  RelayErrorCode.UnknownRoom,
  RelayErrorCode.NotMember,
  RelayErrorCode.BadRequest,
  RelayErrorCode.RoomClosed,
  RelayErrorCode.UnknownHandle,
  RelayErrorCode.CommitRefused,
  RelayErrorCode.QuotaExceeded,
  RelayErrorCode.RemovedFromRoom,
  RelayErrorCode.MessageRefused,
]);

export const MAX_COMMIT_ATTEMPTS = 6;

export function summarize(ctx: EngineContext, room: RoomRecord): RoomSummary {
  let members: MemberInfo[] = [];
  try {
    members = membersOf(ctx.groups.get(room));
  } catch {
    members = [];
  }
  const untrusted = ctx.contacts.untrustedAmong(members);
  const held = room.status === 'held' ? ctx.contacts.changedAmong(room.heldFor ?? []) : [];
  return {
    roomId: room.roomId,
    name: room.name,
    open: room.open,
    epoch: room.epoch,
    members: members.length,
    status: room.status,
    lastSeq: room.lastSeq,
    keyChanged: [...new Set([...untrusted, ...held])],
    reason: room.status === 'out-of-sync' ? (room.reason ?? null) : null,
    recovery: recoveryOf(room),
  };
}

/**
 * Keeps each room's state in step with the relay's log: catch-up, live entries, our own commits (with
 * retry when another commit wins the epoch) and the outbox. A method that touches a room's state takes the
 * room's `Held` lock (only `ctx.mutex.run` hands one out), so it cannot be called without holding it.
 */
export class RoomSync {
  constructor(
    private readonly ctx: EngineContext,
    private readonly onFollowUp: (roomId: string, f: EntryFollowUp) => void,
  ) {}

  async room(roomId: string): Promise<RoomRecord> {
    const r = await this.ctx.store.getRoom(roomId);
    if (!r) throw new SealroomError(ProxyErrorCode.UnknownRoom, `unknown room ${roomId}`);
    return r;
  }

  async activeRoom(roomId: string): Promise<RoomRecord> {
    const r = await this.room(roomId);
    if (r.status === 'held') {
      const who = r.heldFor?.join(', ') ?? 'a member';
      throw new SealroomError(
        ClientErrorCode.KeyChanged,
        `room ${roomId} is on hold: ${who}'s key changed; compare safety numbers, then accept it (sealroom trust ${r.heldFor?.[0] ?? 'HANDLE'})`,
      );
    }
    if (r.status === 'out-of-sync') {
      const how = r.open ? `rejoin it (sealroom rooms rejoin ${roomId})` : 'ask a member to remove you and invite you again';
      throw new SealroomError(ProxyErrorCode.NotMember, `room ${roomId} is out of sync on this device (${r.reason ?? 'unknown reason'}); ${how}`);
    }
    if (r.status !== 'active') throw new SealroomError(ProxyErrorCode.NotMember, `not a member of room ${roomId} (${r.status})`);
    return r;
  }

  /**
   * The only way the engine writes a room (its record, messages, outbox rows): with the room's lock. A guard
   * test (test/room-writes.test.ts) keeps `store.writeRoom` out of every other file.
   */
  async write(held: Held, w: RoomWrite): Promise<void> {
    if (w.room) held.assert(w.room.roomId);
    else held.assert();
    await this.ctx.store.writeRoom(w);
  }

  /** Persist a room and tell listeners. */
  async save(held: Held, room: RoomRecord, messages: ChatMessage[] = [], outbox: { put?: OutboxItem[]; del?: string[] } = {}) {
    await this.write(held, { room, messages, outboxPut: outbox.put ?? [], outboxDelete: outbox.del ?? [] });
    for (const m of messages) this.ctx.events.emit('message', m);
    if (room.declined !== true) this.ctx.events.emit('room', summarize(this.ctx, room));
  }

  /** Apply one entry (already known to be the next one) and persist the result atomically. */
  async apply(held: Held, room: RoomRecord, entry: LogEntry): Promise<RoomRecord> {
    held.assert(room.roomId);
    const before = room.status;
    let r = await processEntry(this.ctx, room, entry);
    // A contact another operation changed meanwhile: decide this entry again with what is stored now.
    for (let attempt = 1; ; attempt++) {
      try {
        await this.write(held, r.write);
        break;
      } catch (e) {
        if (!isSealroomError(e, ClientErrorCode.ContactConflict) || attempt >= 3) throw e;
        r = await processEntry(this.ctx, room, entry);
      }
    }
    await this.ctx.contacts.written(r.write.contacts ?? []);
    await this.ctx.security.reportAll(r.events);
    for (const m of r.messages) this.ctx.events.emit('message', m);
    const changed = r.followUps.length > 0 || r.write.room.name !== room.name || r.write.room.status !== before || entry.kind === 'commit';
    if (changed && room.declined !== true) this.ctx.events.emit('room', summarize(this.ctx, r.write.room));
    for (const f of r.followUps) this.onFollowUp(room.roomId, f);
    return r.write.room;
  }

  /** A live entry pushed by the relay. Gaps trigger a fetch; old entries are ignored (dedupe by seq). */
  async onEntry(entry: LogEntry): Promise<void> {
    await this.ctx.mutex.run(entry.roomId, async (held) => {
      const room = await this.ctx.store.getRoom(entry.roomId);
      if (!room || room.status !== 'active' || entry.seq <= room.lastSeq) return;
      if (entry.seq === room.lastSeq + 1) await this.apply(held, room, entry);
      else await this.syncHeld(held);
    });
  }

  /** Catch up from the last durable sequence number (architecture.md "Reconnect"). */
  async syncHeld(held: Held): Promise<RoomRecord> {
    held.assert();
    const roomId = held.key;
    let room = await this.room(roomId);
    for (;;) {
      if (room.status !== 'active') return room;
      const res = await this.ctx.relay.request('room.fetch', {
        roomId: roomId as RoomId,
        after: room.lastSeq,
        limit: Limits.fetchLimit,
      });
      if (!res.ok) {
        if (res.code === RelayErrorCode.NotMember) {
          // A real removal reaches us through MLS: the relay lets a removed member read up to the commit that
          // removed it. Here MLS still says we are a member, so the relay (or a member's routing hint) cut us
          // off: say so, and stop, rather than claim we were removed.
          room = transition(room, { type: 'desync', reason: 'the relay no longer delivers this room to you, although the group still lists you as a member' });
          await this.save(held, room);
          await this.ctx.security.report({
            kind: 'relay-cut-off',
            roomId,
            handle: null,
            code: res.code,
            text: 'the relay no longer delivers this room to you, although the group still lists you as a member',
          });
          return room;
        }
        throw new SealroomError(res.code, res.message ?? res.code);
      }
      const from = room.lastSeq;
      for (const e of res.entries) {
        if (room.status !== 'active') break;
        if (e.seq <= room.lastSeq) continue; // old or repeated: already processed
        if (e.seq > room.lastSeq + 1) {
          // The relay numbered entries it does not hand out: withheld. Say so and go on after the hole (a
          // withheld commit then shows as the next commit failing; withheld messages as a sender's chain gap).
          const k = e.seq - room.lastSeq - 1;
          await this.ctx.security.report({
            kind: 'messages-missing',
            roomId,
            handle: null,
            code: ClientErrorCode.RelayContradicted,
            text: `the relay's log skips ${k} ${k === 1 ? 'entry' : 'entries'} (seq ${room.lastSeq + 1}${k > 1 ? `–${e.seq - 1}` : ''}): withheld from this device`,
          });
          room = { ...room, lastSeq: e.seq - 1 };
          await this.write(held, { room });
        }
        room = await this.apply(held, room, e);
      }
      if (room.status !== 'active' || room.lastSeq >= res.lastSeq) return room;
      // The relay says its log goes further but handed out nothing new: it is withholding the tail.
      // Don't spin holding the lock. (Pages may be short when the relay bounds them by bytes: go on.)
      if (room.lastSeq === from)
        throw new SealroomError(ClientErrorCode.RelayContradicted, `the relay says room ${roomId}'s log goes to ${res.lastSeq} but hands out nothing after ${from}`);
    }
  }

  async sync(roomId: string): Promise<RoomRecord> {
    return this.ctx.mutex.run(roomId, (held) => this.syncHeld(held));
  }

  /**
   * Build, persist and send a commit; adopt it only when the relay's log shows it accepted. If another
   * commit won the epoch, catch up and rebuild (RFC 9420 §14, RFC 9750 §5.2). `plan` returns null when
   * there is nothing (left) to do.
   */
  async runCommit(roomId: string, plan: (room: RoomRecord, group: Group) => Promise<CommitPlan | null>): Promise<number | null> {
    for (let attempt = 0; attempt < MAX_COMMIT_ATTEMPTS; attempt++) {
      const outcome = await this.ctx.mutex.run(roomId, async (held): Promise<{ seq: number | null } | 'retry'> => {
        await this.flushPendingCommit(held);
        let room = await this.syncHeld(held);
        if (room.status !== 'active') throw new SealroomError(ProxyErrorCode.NotMember, `not a member of room ${roomId}`);
        const group = this.ctx.groups.get(room);
        const p = await plan(room, group);
        if (!p) return { seq: null };
        const members = membersOf(group);
        const removeLeaves = p.removeLeaves ?? [];
        const byRef = proposedRemovals(group);
        const removes = [...new Set([...removeLeaves, ...byRef])]
          .map((leaf) => members.find((m) => m.leafIndex === leaf)?.handle)
          .filter((h): h is string => h !== undefined);
        const out = await commitChanges(group, {
          addKeyPackages: p.addKeyPackages ?? [],
          removeLeaves,
          publishGroupInfo: room.open,
          ...(p.welcomeInfo ? { welcomeInfo: p.welcomeInfo } : {}),
        });
        const pending: PendingCommit = {
          msgId: randomId(),
          epoch: room.epoch,
          commit: toBase64(out.commit),
          groupInfo: out.groupInfo ? toBase64(out.groupInfo) : null,
          welcome: out.welcome ? toBase64(out.welcome) : null,
          adds: p.adds ?? [],
          removes,
          // A removal no self-remove proposal asked for is a ban (the same rule members apply from MLS).
          bans: removes.filter((h) => !room.pendingLeaves.includes(h) && !(p.adds ?? []).includes(h)),
          external: false,
          newGroup: encodeGroup(out.group),
        };
        room = { ...room, pendingCommit: pending };
        await this.write(held, { room });
        const res = await this.sendCommit(roomId, pending);
        if (res.ok) {
          await this.syncHeld(held); // applies our commit, and anything before it, in log order
          return { seq: res.seq };
        }
        // Only a permanent refusal proves the commit never took effect; otherwise keep it pending (it may
        // have been accepted with the ack lost) and let the reconnect path resend it.
        if (PERMANENT.has(res.code)) await this.write(held, { room: { ...room, pendingCommit: null } });
        if (res.code === RelayErrorCode.StaleEpoch) return 'retry';
        throw new SealroomError(res.code, res.message ?? res.code);
      });
      if (outcome !== 'retry') return outcome.seq;
    }
    throw new SealroomError(RelayErrorCode.StaleEpoch, 'gave up after repeated commit races');
  }

  private sendCommit(roomId: string, p: PendingCommit) {
    return this.ctx.relay.request('room.commit', {
      roomId: roomId as RoomId,
      epoch: p.epoch,
      msgId: p.msgId as MessageId,
      commit: p.commit,
      ...(p.groupInfo ? { groupInfo: p.groupInfo } : {}),
      ...(p.welcome ? { welcome: p.welcome } : {}),
      adds: p.adds as Handle[],
      removes: p.removes as Handle[],
      // Omitted when empty, so a relay that predates the hint still accepts ordinary commits.
      ...(p.bans && p.bans.length > 0 ? { bans: p.bans as Handle[] } : {}),
      external: p.external,
    });
  }

  /** After a reconnect: resend a commit whose ack we never saw, byte for byte (the relay dedupes by msgId). */
  async flushPendingCommit(held: Held): Promise<void> {
    held.assert();
    const roomId = held.key;
    const room = await this.room(roomId);
    if (!room.pendingCommit) return;
    const res = await this.sendCommit(roomId, room.pendingCommit);
    if (res.ok) {
      await this.syncHeld(held);
    } else if (PERMANENT.has(res.code)) {
      // Rejected for good: the commit never took effect anywhere.
      await this.write(held, { room: { ...room, pendingCommit: null } });
    } else {
      throw new SealroomError(res.code, res.message ?? res.code);
    }
  }

  /** A member's key changed and the user has not accepted it: nothing is encrypted to that room. */
  assertNoChangedKeys(room: RoomRecord): void {
    const untrusted = summarize(this.ctx, room).keyChanged;
    if (untrusted.length === 0) return;
    const changed = this.ctx.contacts.changedAmong(untrusted);
    if (changed.length > 0)
      throw new SealroomError(
        ClientErrorCode.KeyChanged,
        `${changed.join(', ')}'s key changed: compare safety numbers, then accept it (sealroom trust ${changed[0]}) before sending here`,
      );
    throw new SealroomError(
      ClientErrorCode.KeyChanged,
      `${untrusted.join(', ')} in this room still has a key you no longer accept; ask a member to remove and re-invite ${untrusted[0]}`,
    );
  }

  /**
   * RFC 9420 §12.2: no application data while proposals of this epoch wait for a commit. If someone asked
   * to leave and nobody has committed it yet, the sender commits it first.
   */
  async commitPendingProposals(roomId: string): Promise<void> {
    const room = await this.activeRoom(roomId);
    if (!hasPendingProposals(this.ctx.groups.get(room))) return;
    await this.runCommit(roomId, async (_r, g) => (hasPendingProposals(g) ? {} : null));
  }
}
