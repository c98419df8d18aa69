import {
  MlsErrorCode,
  ProxyErrorCode,
  RelayErrorCode,
  SealroomError,
  fromBase64,
  toBase64,
  toHex,
  type Handle,
  type Member,
  type MessageId,
  type RoomId,
  type RoomSummary,
} from '@sealroom/protocol';
import {
  createGroup,
  encodeGroup,
  epochOf,
  fingerprint,
  groupInfoOf,
  joinExternal,
  keyPackageIdentity,
  membersOf,
  ownLeafIndex,
  proposeSelfRemove,
  groupIdOf,
  type Group,
} from '@sealroom/mls';
import type { ContactWrite, RoomRecord } from './client-store.js';
import type { EngineContext } from './engine-context.js';
import { verdictError, verdictEvents } from './identity-gate.js';
import { newRoom } from './room-record.js';
import { transition } from './room-state.js';
import type { Held } from './keyed-mutex.js';
import { randomId } from './random-id.js';
import { expectOk } from './relay-connection.js';
import { summarize, type RoomSync } from './room-sync.js';
import { encodeWelcomeInfo } from './welcome-info.js';

/**
 * Who is in a room: creating it, joining (by external commit) and rejoining, inviting, removing, rotating
 * keys, leaving, and the member list with each member's trust state. Every credential goes through the
 * identity gate (architecture.md "The identity gate") before anything is stored or encrypted to it.
 */
export class RoomMembership {
  constructor(
    private readonly ctx: EngineContext,
    private readonly sync: RoomSync,
    /** Ask the members for the room's name and settings (a newcomer by external commit can read nothing older). */
    private readonly askMeta: (roomId: string) => Promise<void>,
    private readonly warn: (roomId: string | null, e: unknown) => void,
  ) {}

  async createRoom(name: string, open: boolean): Promise<RoomSummary> {
    const { ctx, sync } = this;
    const roomId = randomId();
    const group = await createGroup(ctx.identity, Buffer.from(roomId, 'hex'), ctx.config);
    const groupInfo = open ? toBase64(await groupInfoOf(group)) : undefined;
    expectOk(await ctx.relay.request('room.create', { roomId: roomId as RoomId, open, ...(groupInfo ? { groupInfo } : {}) }));
    const room = newRoom(roomId, group, { name, open, lastSeq: 0 });
    await ctx.mutex.run(roomId, (held) => sync.save(held, room));
    return summarize(ctx, room);
  }

  /** Join an open room by external commit (RFC 9420 §12.4.3.2), retrying if the epoch moves under us. */
  async join(roomId: string): Promise<RoomSummary> {
    const { ctx, sync } = this;
    await ctx.mutex.run(roomId, async (held) => {
      const existing = await ctx.store.getRoom(roomId);
      if (existing?.status === 'active' || existing?.status === 'held')
        throw new SealroomError(ProxyErrorCode.AlreadyMember, 'already a member of this room');
      if (existing?.status === 'out-of-sync') return this.#rejoin(held, existing);
      const { group, seq, contacts } = await this.#externalJoin(held, false);
      const room = newRoom(roomId, group, { name: null, open: true, lastSeq: seq });
      await sync.write(held, { room, contacts });
      await ctx.contacts.written(contacts);
      await sync.save(held, room);
    });
    // We cannot read anything sent before we joined, so ask the members for the room's name.
    await this.askMeta(roomId).catch((e: unknown) => this.warn(roomId, e));
    return summarize(ctx, await sync.room(roomId));
  }

  /**
   * The recovery for an open room that is out of sync on this device: an external commit that also removes
   * our old leaf (RFC 9420 §12.4.3.2 resync). What was sent meanwhile cannot be read; the room goes on from
   * the rejoin.
   */
  async rejoin(roomId: string): Promise<RoomSummary> {
    const { ctx, sync } = this;
    await ctx.mutex.run(roomId, async (held) => this.#rejoin(held, await sync.room(roomId)));
    return summarize(ctx, await sync.room(roomId));
  }

  async #rejoin(held: Held, room: RoomRecord): Promise<void> {
    held.assert(room.roomId);
    const { ctx, sync } = this;
    if (room.status !== 'out-of-sync') throw new SealroomError(ProxyErrorCode.BadRequest, `room ${room.roomId} is ${room.status}, not out of sync`);
    if (!room.open)
      throw new SealroomError(ProxyErrorCode.BadRequest, 'this room is invite-only: ask a member to remove you and invite you again');
    const { group, seq, contacts } = await this.#externalJoin(held, true);
    const next: RoomRecord = { ...transition(room, { type: 'rejoined' }), group: encodeGroup(group), epoch: epochOf(group), lastSeq: seq, pendingCommit: null };
    await sync.write(held, { room: next, contacts });
    await ctx.contacts.written(contacts);
    await sync.save(held, next);
  }

  /** Fetch the GroupInfo, check every credential in it, and get an external commit accepted. */
  async #externalJoin(held: Held, resync: boolean): Promise<{ group: Group; seq: number; contacts: ContactWrite[] }> {
    held.assert();
    const roomId = held.key;
    const { ctx } = this;
    for (let attempt = 0; attempt < 6; attempt++) {
      const asked = await ctx.relay.request('room.info', { roomId: roomId as RoomId });
      // The relay answers NOT_MEMBER for invite-only rooms: say what that means to someone trying to join.
      if (!asked.ok && asked.code === RelayErrorCode.NotMember)
        throw new SealroomError(RelayErrorCode.RoomClosed, 'this room is invite-only: ask a member to invite you');
      if (!asked.ok && asked.code === RelayErrorCode.UnknownRoom) throw new SealroomError(asked.code, `no room ${roomId} on the relay`);
      const info = expectOk(asked);
      if (!info.open || !info.groupInfo)
        throw new SealroomError(RelayErrorCode.RoomClosed, 'this room is invite-only: ask a member to invite you');
      const { group, commit } = await joinExternal(fromBase64(info.groupInfo), ctx.identity, ctx.config, { resync });
      if (toHex(groupIdOf(group)) !== roomId) throw new SealroomError(MlsErrorCode.BadMessage, "the relay served another room's group info");
      if (epochOf(group) !== info.epoch + 1) continue; // the GroupInfo is older than the room: fetch again
      // Every member's credential in the GroupInfo's tree, against the relay's bindings and our contacts,
      // before anything is sent or stored (a forged tree must not pin anything).
      const members = membersOf(group);
      const verdict = await ctx.gate.check(members, members);
      await ctx.security.reportAll(verdictEvents(verdict, roomId, 'joining this room'));
      if (verdict.kind === 'changed') {
        await ctx.store.putContacts(verdict.contacts);
        await ctx.contacts.written(verdict.contacts);
      }
      if (verdict.kind !== 'ok') throw verdictError(verdict);
      const res = await ctx.relay.request('room.commit', {
        roomId: roomId as RoomId,
        epoch: info.epoch,
        msgId: randomId() as MessageId,
        commit: toBase64(commit),
        groupInfo: toBase64(await groupInfoOf(group)),
        adds: [],
        // A resync removes our own old leaf: the relay unroutes nobody else.
        removes: resync ? [ctx.identity.handle as Handle] : [],
        external: true,
      });
      if (!res.ok) {
        if (res.code === RelayErrorCode.StaleEpoch) continue;
        throw new SealroomError(res.code, res.message ?? res.code);
      }
      return { group, seq: res.seq, contacts: verdict.contacts };
    }
    throw new SealroomError(RelayErrorCode.StaleEpoch, 'the room kept changing; try again');
  }

  /**
   * Claim one of the invitee's key packages, check it is really the invitee's (its credential names the
   * handle, and its key is the relay's account binding and our contact record), then commit an Add; the
   * relay delivers the Welcome after accepting it. A substituted key package is refused before anything
   * is encrypted to it.
   */
  async invite(roomId: string, handle: string): Promise<void> {
    const { ctx, sync } = this;
    let kp: Uint8Array | null = null;
    let contacts: ContactWrite[] = [];
    const seq = await sync.runCommit(roomId, async (room, group) => {
      if (membersOf(group).some((m) => m.handle === handle))
        throw new SealroomError(ProxyErrorCode.AlreadyMember, `${handle} is already a member`);
      if (!kp) {
        const claimed = fromBase64(expectOk(await ctx.relay.request('kp.claim', { handle: handle as Handle })).keyPackage);
        contacts = await this.#checkKeyPackage(roomId, handle, claimed);
        kp = claimed;
      }
      // Name and openness travel to the newcomer inside the Welcome, atomically with the Add.
      const info = encodeWelcomeInfo({ name: room.name, open: room.open, removed: room.removed.filter((h) => h !== handle) });
      return { addKeyPackages: [kp], adds: [handle], welcomeInfo: info };
    });
    if (seq !== null && contacts.length > 0) {
      await ctx.store.putContacts(contacts);
      await ctx.contacts.written(contacts);
    }
  }

  /** The identity gate for one claimed key package; returns the contact records to keep if it is invited. */
  async #checkKeyPackage(roomId: string, handle: string, kp: Uint8Array): Promise<ContactWrite[]> {
    const { ctx } = this;
    let id: { handle: string; publicKey: Uint8Array } | null = null;
    try {
      id = keyPackageIdentity(kp);
    } catch {
      id = null;
    }
    if (id?.handle !== handle) {
      const text = `the relay offered a key package for ${id?.handle ?? 'nobody'} when asked for ${handle}`;
      await ctx.security.report({ kind: 'credential-refused', roomId, handle, code: MlsErrorCode.CredentialMismatch, text });
      throw new SealroomError(MlsErrorCode.CredentialMismatch, text);
    }
    const verdict = await ctx.gate.check([id]);
    await ctx.security.reportAll(verdictEvents(verdict, roomId, `the key package offered for ${handle}`));
    if (verdict.kind === 'changed') {
      await ctx.store.putContacts(verdict.contacts);
      await ctx.contacts.written(verdict.contacts);
    }
    if (verdict.kind !== 'ok') throw verdictError(verdict);
    return verdict.contacts;
  }

  async remove(roomId: string, handle: string): Promise<void> {
    const { sync } = this;
    if (handle === this.ctx.identity.handle) throw new SealroomError(ProxyErrorCode.BadRequest, 'use leave to remove yourself');
    await sync.runCommit(roomId, async (_room, group) => {
      const m = membersOf(group).find((x) => x.handle === handle);
      if (!m) throw new SealroomError(ProxyErrorCode.NotMember, `${handle} is not a member`);
      return { removeLeaves: [m.leafIndex] };
    });
  }

  /** Rotate our keys in a room: an update commit (RFC 9420 §12.4.1) moves everyone to a fresh epoch. */
  async rotateKeys(roomId: string): Promise<void> {
    const { sync } = this;
    await sync.runCommit(roomId, async () => ({}));
  }

  /** Propose our own removal (another member commits it), then stop following the room. */
  async leave(roomId: string): Promise<void> {
    const { ctx, sync } = this;
    await ctx.mutex.run(roomId, async (held) => {
      for (let attempt = 0; attempt < 6; attempt++) {
        const room = await sync.syncHeld(held);
        if (room.status !== 'active') break;
        const group = ctx.groups.get(room);
        if (membersOf(group).length > 1) {
          const p = await proposeSelfRemove(group);
          const res = await ctx.relay.request('room.send', {
            roomId: roomId as RoomId,
            epoch: room.epoch,
            msgId: randomId() as MessageId,
            kind: 'proposal',
            data: toBase64(p.proposal),
          });
          if (!res.ok && res.code === RelayErrorCode.StaleEpoch) continue;
          if (!res.ok) throw new SealroomError(res.code, res.message ?? res.code);
        }
        break;
      }
      expectOk(await ctx.relay.request('room.leave', { roomId: roomId as RoomId }));
      await sync.save(held, transition(await sync.room(roomId), { type: 'left' }));
    });
  }

  async members(roomId: string): Promise<Member[]> {
    const { ctx, sync } = this;
    const room = await sync.room(roomId);
    const group = ctx.groups.get(room);
    const me = ownLeafIndex(group);
    const list = membersOf(group);
    const states = await ctx.contacts.states(list.map((m) => m.handle));
    return Promise.all(
      list.map(async (m) => ({
        handle: m.handle,
        self: m.leafIndex === me,
        fingerprint: await fingerprint(m.publicKey),
        // A leaf whose key is not the accepted one shows as changed, whatever the contact's state.
        state:
          m.leafIndex === me
            ? ('self' as const)
            : ctx.contacts.untrustedAmong([m]).length > 0
              ? ('changed' as const)
              : (states.get(m.handle)?.state ?? 'new'),
      })),
    );
  }
}
