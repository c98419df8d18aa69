import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  commitChanges,
  commitUpdate,
  createKeyPackage,
  epochOf,
  membersOf,
  processIncoming,
  proposeSelfRemove,
  type Group,
  type Identity as MlsIdentity,
} from '@sealroom/mls';
import { toBase64 } from '@sealroom/protocol';
import { connectClient, hexId, logRecords, startTestRelay, stopTestRelay, type AnyAck, type TestClient, type TestRelay } from './helpers.js';
import { framedGroupInfo } from './framed.js';
import { craftExternalCommit, generateIdentity, honestJoin, leafIsHandle, newOpenGroup, relayIdentityOf } from './mls-fixtures.js';

// A member removed from an open room by another member (a commit's `bans` hint) may not walk back in by
// external commit (RFC 9420 §12.4.3.2): honest members would refuse that join and have to stop the room, so
// the relay refuses it first. Only a member's Add lifts the ban. Someone who left by themselves may rejoin.

let relay: TestRelay;
const clients: TestClient[] = [];
let n = 0;
beforeAll(async () => {
  relay = await startTestRelay();
});
afterAll(async () => {
  for (const c of clients) c.close();
  await stopTestRelay(relay);
});

type Person = { id: MlsIdentity; c: TestClient };

async function person(name: string): Promise<Person> {
  const id = await generateIdentity(`${name}-${n++}`);
  const c = await connectClient(relay.url, id.handle, relayIdentityOf(id));
  clients.push(c);
  return { id, c };
}

/** An open room of alice and bob (bob joined by external commit, alice followed it), at epoch 1. */
async function openRoom(): Promise<{ roomId: string; alice: Person; bob: Person; aliceGroup: Group; bobGroup: Group }> {
  const alice = await person('alice');
  const bob = await person('bob');
  const roomId = hexId();
  const opened = await newOpenGroup(alice.id, roomId);
  expect(await alice.c.call('room.create', { roomId, open: true, groupInfo: opened.groupInfo })).toMatchObject({ ok: true });
  const join = await honestJoin(opened.groupInfo, bob.id);
  expect(await bob.c.call('room.commit', externalReq(roomId, 0, join.commit, join.groupInfo))).toMatchObject({ ok: true, seq: 1 });
  const followed = await processIncoming(opened.group, Buffer.from(join.commit, 'base64'));
  return { roomId, alice, bob, aliceGroup: followed.group, bobGroup: join.group };
}

function externalReq(roomId: string, epoch: number, commit: string, groupInfo: string, removes: string[] = []) {
  return { roomId, epoch, msgId: hexId(), commit, groupInfo, adds: [], removes, external: true };
}

function leafOf(g: Group, handle: string): number {
  const leaf = membersOf(g).find((m) => m.handle === handle)?.leafIndex;
  if (leaf === undefined) throw new Error(`${handle} is not in the group`);
  return leaf;
}

/** alice's member commit that removes bob's leaf, with the given routing hints. */
async function removal(g: Group, bob: Person) {
  const out = await commitChanges(g, { removeLeaves: [leafOf(g, bob.id.handle)], publishGroupInfo: true });
  if (out.groupInfo === null) throw new Error('no group info');
  return { group: out.group, commit: toBase64(out.commit), groupInfo: toBase64(out.groupInfo) };
}

function memberReq(roomId: string, g: Group, commit: string, groupInfo: string, hints: { adds?: string[]; removes?: string[]; bans?: string[]; welcome?: string }) {
  return { roomId, epoch: epochOf(g), msgId: hexId(), commit, groupInfo, adds: [], removes: [], external: false, ...hints };
}

/** `c` tries an honest external join of the room as it is now; the answer, with room.info before and after. */
async function tryJoin(c: TestClient, id: MlsIdentity, roomId: string): Promise<{ res: AnyAck; before: AnyAck; after: AnyAck }> {
  const before = await c.call('room.info', { roomId });
  const join = await honestJoin(before.groupInfo as string, id);
  const res = await c.call('room.commit', externalReq(roomId, before.epoch as number, join.commit, join.groupInfo));
  return { res, before, after: await c.call('room.info', { roomId }) };
}

describe('room.commit: a member removed by a member cannot rejoin by external commit', () => {
  it('refuses the banned caller with ERR_RELAY_REMOVED_FROM_ROOM and leaves the room untouched', async () => {
    const { roomId, alice, bob, aliceGroup } = await openRoom();
    const kick = await removal(aliceGroup, bob);
    const kicked = await alice.c.call('room.commit', memberReq(roomId, aliceGroup, kick.commit, kick.groupInfo, { removes: [bob.id.handle], bans: [bob.id.handle] }));
    expect(kicked).toMatchObject({ ok: true, seq: 2 });

    const entriesBefore = alice.c.entries.length;
    const { res, before, after } = await tryJoin(bob.c, bob.id, roomId);
    expect(res).toMatchObject({ ok: false, code: 'ERR_RELAY_REMOVED_FROM_ROOM' });
    expect(res.message).toMatch(/ask a member to invite you again/);
    expect(after).toEqual(before);
    expect(after).toMatchObject({ epoch: 2, lastSeq: 2, members: [alice.id.handle] });
    expect(logRecords(relay.logs)).toContainEqual(
      expect.objectContaining({ level: 'warn', msg: 'room.commit refused', room: roomId, handle: bob.id.handle, reason: 'removed by a member' }),
    );

    // A later commit that does not add him keeps the ban.
    const update = await commitUpdate(kick.group, true);
    expect(await alice.c.call('room.commit', memberReq(roomId, kick.group, toBase64(update.commit), toBase64(update.groupInfo as Uint8Array), {})))
      .toMatchObject({ ok: true, seq: 3 });
    expect((await tryJoin(bob.c, bob.id, roomId)).res).toMatchObject({ ok: false, code: 'ERR_RELAY_REMOVED_FROM_ROOM' });
    expect(alice.c.entries.length).toBe(entriesBefore + 1);

    // The ban is for this room only.
    const other = await openRoom();
    expect((await tryJoin(bob.c, bob.id, other.roomId)).res).toMatchObject({ ok: true, seq: 2 });
  });

  it("lifts the ban when a member adds the handle again; then bob's external rejoin is accepted", async () => {
    const { roomId, alice, bob, aliceGroup } = await openRoom();
    const kick = await removal(aliceGroup, bob);
    expect(await alice.c.call('room.commit', memberReq(roomId, aliceGroup, kick.commit, kick.groupInfo, { removes: [bob.id.handle], bans: [bob.id.handle] })))
      .toMatchObject({ ok: true, seq: 2 });
    expect((await tryJoin(bob.c, bob.id, roomId)).res).toMatchObject({ ok: false, code: 'ERR_RELAY_REMOVED_FROM_ROOM' });

    const invite = await commitChanges(kick.group, { addKeyPackages: [(await createKeyPackage(bob.id)).publicBytes], publishGroupInfo: true });
    if (invite.welcome === null || invite.groupInfo === null) throw new Error('no welcome');
    const invited = await alice.c.call('room.commit', memberReq(roomId, kick.group, toBase64(invite.commit), toBase64(invite.groupInfo), {
      adds: [bob.id.handle],
      welcome: toBase64(invite.welcome),
    }));
    expect(invited).toMatchObject({ ok: true, seq: 3 });

    // Bob lost his state: he rejoins by external commit, replacing his own leaf (RFC 9420 §12.4.3.2 resync).
    const info = await bob.c.call('room.info', { roomId });
    const resync = await craftExternalCommit(info.groupInfo as string, bob.id, { removeLeafWhere: leafIsHandle(bob.id.handle) });
    expect(await bob.c.call('room.commit', externalReq(roomId, 3, resync, framedGroupInfo(roomId, 4), [bob.id.handle])))
      .toMatchObject({ ok: true, seq: 4 });
    expect(await bob.c.call('room.info', { roomId })).toMatchObject({ epoch: 4, members: [alice.id.handle, bob.id.handle].sort() });
  });

  it('lets a handle that left by itself (in removes, not in bans) rejoin', async () => {
    const { roomId, alice, bob, aliceGroup, bobGroup } = await openRoom();
    // Bob asks to leave (a self-Remove proposal), alice commits it: an honest committer sends no ban.
    const leave = await proposeSelfRemove(bobGroup);
    expect(await bob.c.call('room.send', { roomId, epoch: 1, msgId: hexId(), kind: 'proposal', data: toBase64(leave.proposal) }))
      .toMatchObject({ ok: true });
    expect(await bob.c.call('room.leave', { roomId })).toMatchObject({ ok: true });
    const proposed = await processIncoming(aliceGroup, leave.proposal);
    const out = await commitChanges(proposed.group, { publishGroupInfo: true });
    expect(membersOf(out.group).map((m) => m.handle)).toEqual([alice.id.handle]);
    expect(await alice.c.call('room.commit', memberReq(roomId, aliceGroup, toBase64(out.commit), toBase64(out.groupInfo as Uint8Array), { removes: [bob.id.handle] })))
      .toMatchObject({ ok: true, seq: 3 });

    const { res } = await tryJoin(bob.c, bob.id, roomId);
    expect(res).toMatchObject({ ok: true, seq: 4, duplicate: false });
    expect(await bob.c.call('room.info', { roomId })).toMatchObject({ epoch: 3, members: [alice.id.handle, bob.id.handle].sort() });
  });

  it('refuses bans that are not also removes, and bans in an external commit, storing nothing', async () => {
    const { roomId, alice, bob, aliceGroup } = await openRoom();
    const carol = await person('carol');
    const kick = await removal(aliceGroup, bob);
    const before = await alice.c.call('room.info', { roomId });
    for (const hints of [
      { removes: [bob.id.handle], bans: [carol.id.handle] },
      { removes: [bob.id.handle], bans: [bob.id.handle, carol.id.handle] },
      { removes: [], bans: [bob.id.handle] },
    ]) {
      const res = await alice.c.call('room.commit', memberReq(roomId, aliceGroup, kick.commit, kick.groupInfo, hints));
      expect(res).toMatchObject({ ok: false, code: 'ERR_RELAY_BAD_REQUEST' });
      expect(res.message).toMatch(/banned handle is not removed/);
      expect(await alice.c.call('room.info', { roomId })).toEqual(before);
    }
    // Nothing of the refused commits was stored: carol (never in the room) joins.
    expect((await tryJoin(carol.c, carol.id, roomId)).res).toMatchObject({ ok: true, seq: 2 });

    // An external commit bans no one, not even its own committer.
    const info = await carol.c.call('room.info', { roomId });
    const dan = await person('dan');
    const join = await honestJoin(info.groupInfo as string, dan.id);
    const self = await dan.c.call('room.commit', { ...externalReq(roomId, 2, join.commit, join.groupInfo), bans: [dan.id.handle] });
    expect(self).toMatchObject({ ok: false, code: 'ERR_RELAY_BAD_REQUEST' });
    expect(await dan.c.call('room.info', { roomId })).toEqual(info);

    // The schema bounds bans like the other hints (Limits.handlesPerCommit) and checks each handle.
    const tooMany = Array.from({ length: 101 }, (_, i) => `h${i}`);
    for (const bans of [tooMany, ['Not A Handle'], 'bob']) {
      const res = await alice.c.call('room.commit', memberReq(roomId, aliceGroup, kick.commit, kick.groupInfo, { removes: [bob.id.handle], bans } as never));
      expect(res).toMatchObject({ ok: false, code: 'ERR_RELAY_BAD_REQUEST' });
    }
    expect(await alice.c.call('room.info', { roomId })).toEqual(info);
  });
});
