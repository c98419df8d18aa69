import {
  ClientErrorCode,
  MlsErrorCode,
  ProxyErrorCode,
  SealroomError,
  fromBase64,
  toHex,
  type Invitation,
  type Member,
  type RoomSummary,
  type WelcomeEnvelope,
  type ContactState,
} from '@sealroom/protocol';
import { decodeGroup, encodeGroup, epochOf, fingerprint, groupIdOf, joinFromWelcome, membersOf, ownLeafIndex, welcomeRecipients, type Group } from '@sealroom/mls';
import type { ContactWrite, InvitationRecord } from './client-store.js';
import type { EngineContext } from './engine-context.js';
import type { Held } from './keyed-mutex.js';
import { verdictError, verdictEvents } from './identity-gate.js';
import { expectOk } from './relay-connection.js';
import { newRoom } from './room-record.js';
import { summarize, type RoomSync } from './room-sync.js';
import { parseWelcomeInfo } from './welcome-info.js';

/** Whose invitations join without asking: nobody (the default) or verified contacts only. */
export type AutoAccept = 'none' | 'verified';

/**
 * Whether an invitation joins without asking: only with `verified` auto-accept, only when every member
 * passed the identity gate unchanged, and only from an inviter the user has verified.
 */
export function shouldAutoAccept(mode: AutoAccept, verdict: 'ok' | 'changed' | 'refused', inviter: ContactState | undefined): boolean {
  return mode === 'verified' && verdict === 'ok' && inviter === 'verified';
}

/**
 * Welcomes become invitations the user accepts or declines (an unsolicited Welcome must not put anyone in
 * a room). The Welcome is processed when it arrives — so the invitation can show the room's name, who
 * invited and every member with its verification state — and the joined state waits here, unused, until
 * accepted. Every credential in its tree passes the identity gate on arrival and again on accept.
 */
export class Invitations {
  constructor(
    private readonly ctx: EngineContext,
    private readonly sync: RoomSync,
    private readonly autoAccept: AutoAccept,
    /** Leaves a room properly (self-remove proposal): how a declined invitation is answered. */
    private readonly leave: (roomId: string) => Promise<void>,
  ) {}

  /** A Welcome from the relay (push or list). Always acked once handled, so junk cannot pile up. */
  async receive(w: WelcomeEnvelope): Promise<void> {
    const { ctx } = this;
    await ctx.mutex.run(w.roomId, async (held) => {
      let existing = await ctx.store.getRoom(w.roomId);
      // A Welcome for a room we think we are in: we may have been removed while offline and invited again.
      // Catch up first (it throws, leaving the Welcome unacknowledged for next time, if the relay cannot
      // answer); only a room still active after that makes the Welcome redundant.
      if (existing?.status === 'active') existing = await this.sync.syncHeld(held);
      if (!existing || (existing.status !== 'active' && existing.status !== 'held')) {
        try {
          await this.#process(held, w);
        } catch (e) {
          // Junk, not for us, or a credential we refuse: nothing to retry. Say so, and drop it.
          await ctx.security.report({
            kind: 'invitation-refused',
            roomId: w.roomId,
            handle: null,
            code: e instanceof SealroomError ? e.code : MlsErrorCode.BadMessage,
            text: `an invitation could not be opened and was dropped: ${e instanceof Error ? e.message : String(e)}`,
          });
        }
      }
      // Acked only once handled (a room entered, or an invitation stored): a crash before this redelivers it.
      expectOk(await ctx.relay.request('welcome.ack', { id: w.id }));
    });
  }

  /**
   * Open the Welcome; enter the room at once if auto-accept allows it, else keep it as an invitation. The
   * decision comes first, so an invitation the user can see is one that waits for the user.
   */
  async #process(held: Held, w: WelcomeEnvelope): Promise<void> {
    held.assert(w.roomId);
    const { ctx } = this;
    // The same Welcome again (a push racing the list at login, or redelivery after a crash before the ack):
    // the invitation it made is already waiting. Not a replay; nothing to say.
    if ((await ctx.store.getInvitation(w.roomId))?.seq === w.seq) return;
    const data = fromBase64(w.data);
    let kp = null;
    for (const ref of welcomeRecipients(data)) kp ??= await ctx.store.getKeyPackage(ref);
    if (!kp) throw new SealroomError(MlsErrorCode.DecryptFailed, 'a welcome for none of our key packages');
    const { group, welcomeInfo, inviter } = await joinFromWelcome(data, kp, ctx.config);
    // The relay files Welcomes under a room id; the group id inside is what counts. A mismatch would let
    // the relay make us keep two copies of one group (and reuse its keys).
    if (toHex(groupIdOf(group)) !== w.roomId) throw new SealroomError(MlsErrorCode.BadMessage, 'welcome is for another room');
    // A Welcome into an epoch this device has already seen of the room (it was a member, left, declined or
    // was removed since), or no newer than an invitation it holds, is a replay: a relay bringing back a
    // room the user left. A real new invitation always starts a later epoch (RFC 9420 §12.4.3.1).
    const joined = epochOf(group);
    const seen = Math.max((await ctx.store.getRoom(w.roomId))?.epoch ?? -1, await this.#pendingEpoch(w.roomId));
    if (joined <= seen)
      throw new SealroomError(ClientErrorCode.BadPayload, `a replayed invitation: it joins epoch ${joined}, and this device has already seen epoch ${seen} of the room`);
    const members = membersOf(group);
    const verdict = await ctx.gate.check(members, members);
    await ctx.security.reportAll(verdictEvents(verdict, w.roomId, 'an invitation'));
    if (verdict.kind === 'refused') throw verdictError(verdict);
    if (verdict.kind === 'changed') {
      // The invitation is kept (the user may accept the new key and then the invitation); the contact
      // records say what changed.
      await ctx.store.putContacts(verdict.contacts);
      await ctx.contacts.written(verdict.contacts);
    }
    const info = parseWelcomeInfo(welcomeInfo);
    // Who invited is the leaf that signed the Welcome's GroupInfo (verified by ts-mls while joining), never
    // a name written inside it: any member could write someone else's name there.
    const invitedBy = inviter?.handle ?? null;
    const inv: InvitationRecord = {
      roomId: w.roomId,
      seq: w.seq,
      group: encodeGroup(group),
      // Openness comes from the inviter, inside the Welcome — never from the relay.
      name: info?.name ?? null,
      open: info?.open ?? false,
      invitedBy,
      removed: info?.removed ?? [],
      receivedAt: Date.now(),
    };
    const inviterState = invitedBy === null ? undefined : (await ctx.contacts.states([invitedBy])).get(invitedBy)?.state;
    const auto = verdict.kind === 'ok' && shouldAutoAccept(this.autoAccept, verdict.kind, inviterState);
    const what = inv.name === null ? 'a room' : `"${inv.name}"`;
    if (auto) await this.#enter(held, inv, group, verdict.contacts);
    else await ctx.store.putInvitation(inv);
    // A one-time key package is used once (RFC 9420 §16.8); the last-resort one stays.
    if (!kp.lastResort) await ctx.store.deleteKeyPackage(kp.ref);
    await ctx.security.report({
      kind: 'invitation-received',
      roomId: w.roomId,
      handle: invitedBy,
      code: null,
      text: auto
        ? `joined ${what} automatically: ${invitedBy ?? 'someone'} is a verified contact (--auto-accept verified)`
        : `${invitedBy ?? 'someone'} invited you to ${what}; accept or decline it`,
    });
    if (auto) await this.sync.syncHeld(held);
    else await this.#changed();
  }

  /** The epoch of the invitation this device holds for the room, or -1. */
  async #pendingEpoch(roomId: string): Promise<number> {
    const inv = await this.ctx.store.getInvitation(roomId);
    return inv === null ? -1 : epochOf(decodeGroup(inv.group, this.ctx.config));
  }

  /** The invitation becomes a room, with its new contacts, in one write. */
  async #enter(held: Held, inv: InvitationRecord, group: Group, contacts: ContactWrite[]): Promise<void> {
    held.assert(inv.roomId);
    const { ctx } = this;
    const room = newRoom(inv.roomId, group, { name: inv.name, open: inv.open, lastSeq: inv.seq, removed: inv.removed });
    await this.sync.write(held, { room, contacts, invitationDelete: inv.roomId });
    await ctx.contacts.written(contacts);
    ctx.events.emit('room', summarize(ctx, room));
  }

  async list(): Promise<Invitation[]> {
    return Promise.all((await this.ctx.store.listInvitations()).map((i) => this.#view(i)));
  }

  async #view(i: InvitationRecord): Promise<Invitation> {
    const group = decodeGroup(i.group, this.ctx.config);
    const me = ownLeafIndex(group);
    const members = membersOf(group);
    const states = await this.ctx.contacts.states(members.map((m) => m.handle));
    const list: Member[] = await Promise.all(
      members.map(async (m) => ({
        handle: m.handle,
        self: m.leafIndex === me,
        fingerprint: await fingerprint(m.publicKey),
        state: m.leafIndex === me ? ('self' as const) : (states.get(m.handle)?.state ?? 'new'),
      })),
    );
    return { roomId: i.roomId, name: i.name, open: i.open, invitedBy: i.invitedBy, members: list, receivedAt: i.receivedAt };
  }

  /** Join: the invitation becomes a room (with its new contacts, in one write), then catches up. */
  async accept(roomId: string): Promise<RoomSummary> {
    const { ctx, sync } = this;
    await ctx.mutex.run(roomId, async (held) => {
      const inv = await this.#get(roomId);
      const group = decodeGroup(inv.group, ctx.config);
      const members = membersOf(group);
      // Contacts may have changed since it arrived: check again, against the relay and our records.
      const verdict = await ctx.gate.check(members, members);
      if (verdict.kind !== 'ok') {
        if (verdict.kind === 'changed') {
          await ctx.store.putContacts(verdict.contacts);
          await ctx.contacts.written(verdict.contacts);
        }
        await ctx.security.reportAll(verdictEvents(verdict, roomId, 'accepting an invitation'));
        throw verdictError(verdict);
      }
      await this.#enter(held, inv, group, verdict.contacts);
      await sync.syncHeld(held);
    });
    await this.#changed();
    return summarize(ctx, await sync.room(roomId));
  }

  /** Decline: enter the room only to leave it by a self-remove proposal, so members see us go. */
  async decline(roomId: string): Promise<void> {
    const { ctx } = this;
    await ctx.mutex.run(roomId, async (held) => {
      const inv = await this.#get(roomId);
      const room = newRoom(roomId, decodeGroup(inv.group, ctx.config), { name: inv.name, open: inv.open, lastSeq: inv.seq, removed: inv.removed });
      await this.sync.write(held, { room: { ...room, declined: true }, invitationDelete: roomId });
    });
    await this.#changed();
    await this.leave(roomId);
  }

  async #get(roomId: string): Promise<InvitationRecord> {
    const inv = await this.ctx.store.getInvitation(roomId);
    if (!inv) throw new SealroomError(ProxyErrorCode.UnknownInvitation, `no pending invitation to room ${roomId}`);
    return inv;
  }

  async #changed(): Promise<void> {
    this.ctx.events.emit('invites', await this.list());
  }
}
