import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitChanges, encryptApplication, type Identity as MlsIdentity } from '@sealroom/mls';
import { toBase64 } from '@sealroom/protocol';
import { framedApp, framedCommit, framedGroupInfo, framedPrivate, framedWelcome } from './framed.js';
import { blob, connectClient, hexId, startTestRelay, stopTestRelay, type AnyAck, type TestClient, type TestRelay } from './helpers.js';
import { generateIdentity, honestJoin, newOpenGroup, relayIdentityOf } from './mls-fixtures.js';

// issue 6 / security.md "What the relay checks": the clear MLS framing of every commit, message and GroupInfo is
// checked before anything is stored, so one junk packet cannot move a room's epoch or poison its GroupInfo.

let relay: TestRelay;
const clients: TestClient[] = [];
beforeAll(async () => {
  relay = await startTestRelay();
});
afterAll(async () => {
  for (const c of clients) c.close();
  await stopTestRelay(relay);
});

let n = 0;
async function person(name: string): Promise<{ c: TestClient; id: MlsIdentity }> {
  const id = await generateIdentity(`${name}-${n++}`);
  const c = await connectClient(relay.url, id.handle, relayIdentityOf(id));
  clients.push(c);
  return { c, id };
}

/** An open room of alice's with bob joined by an honest external commit: epoch 1, both members. */
async function openRoom() {
  const alice = await person('alice');
  const bob = await person('bob');
  const roomId = hexId();
  const opened = await newOpenGroup(alice.id, roomId);
  expect(await alice.c.call('room.create', { roomId, open: true, groupInfo: opened.groupInfo })).toMatchObject({ ok: true });
  const join = await honestJoin(opened.groupInfo, bob.id);
  const res = await bob.c.call('room.commit', { roomId, epoch: 0, msgId: hexId(), commit: join.commit, groupInfo: join.groupInfo, adds: [], removes: [], external: true });
  expect(res).toMatchObject({ ok: true, seq: 1 });
  return { roomId, alice, bob, bobGroup: join.group };
}

/** What a refused request must leave as it was: the room's state, its whole log and the caller's Welcomes. */
async function snapshot(c: TestClient, roomId: string): Promise<unknown> {
  return { info: await c.call('room.info', { roomId }), log: await c.call('room.fetch', { roomId, after: 0, limit: 1000 }) };
}

async function expectRefused(c: TestClient, roomId: string, event: string, req: Record<string, unknown>, code: string, reason: RegExp): Promise<void> {
  const before = await snapshot(c, roomId);
  const res: AnyAck = await c.call(event, req);
  expect(res, JSON.stringify(res)).toMatchObject({ ok: false, code });
  expect(res.message).toMatch(reason);
  expect(await snapshot(c, roomId)).toEqual(before);
}

const commitReq = (roomId: string, epoch: number, commit: string, extra: Record<string, unknown> = {}) => ({
  roomId,
  epoch,
  msgId: hexId(),
  commit,
  adds: [],
  removes: [],
  external: false,
  ...extra,
});

describe('room.commit: the relay checks the clear framing of a member commit', () => {
  it('refuses junk, another group, another epoch, not-a-commit and a cleartext member commit; the room goes on', async () => {
    const { roomId, bob } = await openRoom();
    const gi = framedGroupInfo(roomId, 2);
    const refused = (commit: string, reason: RegExp, extra: Record<string, unknown> = {}) =>
      expectRefused(bob.c, roomId, 'room.commit', commitReq(roomId, 1, commit, { groupInfo: gi, ...extra }), 'ERR_RELAY_COMMIT_REFUSED', reason);
    await refused(blob(200), /not an MLS message/);
    await refused(framedCommit(hexId(), 1), /another group/);
    await refused(framedCommit(roomId, 0), /epoch differs/);
    await refused(framedCommit(roomId, 7), /epoch differs/);
    await refused(framedApp(roomId, 1), /not a commit: application/);
    await refused(framedPrivate(roomId, 1, 'proposal'), /not a commit: proposal/);
    // A real commit with this group id and epoch, but in the clear (an external commit's PublicMessage), sent as a
    // member's: Sealroom encrypts handshake messages, so a member commit in the clear is refused.
    const { group: twin } = await newOpenGroup(bob.id, roomId);
    const twinInfo = (await commitChanges(twin, { publishGroupInfo: true })).groupInfo!;
    const clear = await honestJoin(toBase64(twinInfo), (await person('x')).id);
    await refused(clear.commit, /a member's commit is a PrivateMessage/);
    // The GroupInfo it publishes must be of the next epoch of this group, and the Welcome a Welcome.
    await refused(framedCommit(roomId, 1), /group info is for another group/, { groupInfo: framedGroupInfo(hexId(), 2) });
    await refused(framedCommit(roomId, 1), /not of the epoch/, { groupInfo: framedGroupInfo(roomId, 1) });
    await refused(framedCommit(roomId, 1), /not an MLS GroupInfo/, { groupInfo: blob(300) });
    await refused(framedCommit(roomId, 1), /not an MLS Welcome/, { welcome: blob(300), adds: [bob.id.handle] });
    await refused(framedCommit(roomId, 1), /a Welcome for no one/, { welcome: framedWelcome(1) });
    await refused(framedCommit(roomId, 1), /a Welcome for no one/, { welcome: framedWelcome(0), adds: [bob.id.handle] });
    await refused(framedCommit(roomId, 1), /another cipher suite/, { welcome: framedWelcome(1, 64, 'MLS_256_DHKEMX448_AES256GCM_SHA512_Ed448'), adds: [bob.id.handle] });
    // And the room still takes a commit that is framed right (the relay cannot tell it from an honest one).
    expect(await bob.c.call('room.commit', commitReq(roomId, 1, framedCommit(roomId, 1), { groupInfo: gi }))).toMatchObject({ ok: true, seq: 2 });
  });

  it('accepts a real member commit of this group', async () => {
    const { roomId, bob, bobGroup } = await openRoom();
    const out = await commitChanges(bobGroup, { publishGroupInfo: true });
    const res = await bob.c.call('room.commit', commitReq(roomId, 1, toBase64(out.commit), { groupInfo: toBase64(out.groupInfo!) }));
    expect(res).toMatchObject({ ok: true, seq: 2 });
    expect(await bob.c.call('room.info', { roomId })).toMatchObject({ epoch: 2, groupInfo: toBase64(out.groupInfo!) });
  });
});

describe('room.send: the relay checks the clear framing of a message', () => {
  it('refuses junk, another group, another epoch and a content type the request does not name', async () => {
    const { roomId, bob, bobGroup } = await openRoom();
    const send = (data: string, kind: 'application' | 'proposal', reason: RegExp) =>
      expectRefused(bob.c, roomId, 'room.send', { roomId, epoch: 1, msgId: hexId(), kind, data }, 'ERR_RELAY_MESSAGE_REFUSED', reason);
    await send(blob(200), 'application', /not an MLS message/);
    await send(framedApp(hexId(), 1), 'application', /another group/);
    await send(framedApp(roomId, 2), 'application', /epoch differs/);
    await send(framedCommit(roomId, 1), 'application', /commit sent as application/);
    await send(framedApp(roomId, 1), 'proposal', /application sent as proposal/);
    const real = await encryptApplication(bobGroup, new TextEncoder().encode('hello'));
    expect(await bob.c.call('room.send', { roomId, epoch: 1, msgId: hexId(), kind: 'application', data: toBase64(real.message) })).toMatchObject({
      ok: true,
      seq: 2,
    });
  });
});

describe('room.create: the first GroupInfo is of this group at epoch 0', () => {
  it('refuses a GroupInfo of another group or epoch', async () => {
    const { c, id } = await person('carol');
    for (const [groupInfo, reason] of [
      [framedGroupInfo(hexId(), 0), /another group/],
      [framedGroupInfo('', 0), /another group/],
      [blob(100), /not an MLS GroupInfo/],
    ] as const) {
      const roomId = hexId();
      const res: AnyAck = await c.call('room.create', { roomId, open: true, groupInfo });
      expect(res).toMatchObject({ ok: false, code: 'ERR_RELAY_BAD_REQUEST' });
      expect(res.message).toMatch(reason);
      expect(await c.call('room.info', { roomId })).toMatchObject({ ok: false, code: 'ERR_RELAY_UNKNOWN_ROOM' });
    }
    const roomId = hexId();
    expect((await c.call('room.create', { roomId, open: true, groupInfo: framedGroupInfo(roomId, 3) })).message).toMatch(/not of the epoch/);
    const real = await newOpenGroup(id, roomId);
    expect(await c.call('room.create', { roomId, open: true, groupInfo: real.groupInfo })).toMatchObject({ ok: true });
  });
});
