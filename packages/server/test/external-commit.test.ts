import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitChanges, createKeyPackage, type Identity as MlsIdentity } from '@sealroom/mls';
import { toBase64 } from '@sealroom/protocol';
import { connectClient, hexId, startTestRelay, stopTestRelay, type AnyAck, type TestClient, type TestRelay } from './helpers.js';
import { framedGroupInfo } from './framed.js';
import { craftExternalCommit, generateIdentity, honestJoin, leafIsHandle, newOpenGroup, relayIdentityOf } from './mls-fixtures.js';

// RFC 9420 §12.4.3.2: the relay reads an external commit's public framing and lets the caller in only as
// itself, adding only itself. Every refusal must leave the room exactly as it was.

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

async function person(name: string): Promise<{ id: MlsIdentity; c: TestClient }> {
  const id = await generateIdentity(`${name}-${n++}`);
  const c = await connectClient(relay.url, id.handle, relayIdentityOf(id));
  clients.push(c);
  return { id, c };
}

/** An open room of alice and bob (bob joined by external commit), at epoch 1. */
async function openRoom() {
  const alice = await person('alice');
  const bob = await person('bob');
  const roomId = hexId();
  const opened = await newOpenGroup(alice.id, roomId);
  expect(await alice.c.call('room.create', { roomId, open: true, groupInfo: opened.groupInfo })).toMatchObject({ ok: true });
  const bobJoin = await honestJoin(opened.groupInfo, bob.id);
  expect(await bob.c.call('room.commit', externalReq(roomId, 0, bobJoin.commit, bobJoin.groupInfo))).toMatchObject({ ok: true, seq: 1 });
  return { roomId, alice, bob, bobGroup: bobJoin.group, groupInfo: bobJoin.groupInfo };
}

function externalReq(roomId: string, epoch: number, commit: string, groupInfo: string, removes: string[] = []) {
  return { roomId, epoch, msgId: hexId(), commit, groupInfo, adds: [], removes, external: true };
}

async function expectRefusedAndUnchanged(c: TestClient, roomId: string, req: Record<string, unknown>): Promise<AnyAck> {
  const before = await c.call('room.info', { roomId });
  const res = await c.call('room.commit', req);
  expect(res).toMatchObject({ ok: false, code: 'ERR_RELAY_COMMIT_REFUSED' });
  expect(await c.call('room.info', { roomId })).toEqual(before);
  return res;
}

describe('room.commit: external commits are checked', () => {
  it("accepts an honest join, and a rejoin that removes only the caller's own old leaf", async () => {
    const { roomId, bob, groupInfo } = await openRoom();
    const rejoin = await craftExternalCommit(groupInfo, bob.id, { removeLeafWhere: leafIsHandle(bob.id.handle) });
    // The GroupInfo it publishes must be of the next epoch; the relay checks only that framing.
    expect(await bob.c.call('room.commit', externalReq(roomId, 1, rejoin, framedGroupInfo(roomId, 2), [bob.id.handle]))).toMatchObject({ ok: true, seq: 2 });
    expect(await bob.c.call('room.info', { roomId })).toMatchObject({ epoch: 2, lastSeq: 2 });
  });

  it("refuses a joiner credential that is not the caller, or a key that is not the caller's", async () => {
    const { roomId, alice, groupInfo } = await openRoom();
    const mallory = await person('mallory');
    const asAlice = await craftExternalCommit(groupInfo, mallory.id, { credentialHandle: alice.id.handle });
    const res = await expectRefusedAndUnchanged(mallory.c, roomId, externalReq(roomId, 1, asAlice, groupInfo));
    expect(res.message).toMatch(/credential/);
    // mallory's own handle in the credential, but signed with some other key than her account's.
    const other = await generateIdentity('other');
    const wrongKey = await craftExternalCommit(groupInfo, { ...other, handle: mallory.id.handle });
    expect((await expectRefusedAndUnchanged(mallory.c, roomId, externalReq(roomId, 1, wrongKey, groupInfo))).message).toMatch(/key/);
  });

  it('refuses an external commit that removes another member', async () => {
    const { roomId, alice, groupInfo } = await openRoom();
    const mallory = await person('mallory');
    const evict = await craftExternalCommit(groupInfo, mallory.id, { removeLeafWhere: leafIsHandle(alice.id.handle) });
    expect((await expectRefusedAndUnchanged(mallory.c, roomId, externalReq(roomId, 1, evict, groupInfo))).message).toMatch(/own leaf/);
    // Nor may an honest commit carry a routing hint that unroutes someone else.
    const honest = await honestJoin(groupInfo, mallory.id);
    await expectRefusedAndUnchanged(mallory.c, roomId, externalReq(roomId, 1, honest.commit, honest.groupInfo, [alice.id.handle]));
    expect((await alice.c.call('room.info', { roomId })).members).toContain(alice.id.handle);
  });

  it("refuses junk, a member commit, another room's commit and a lying epoch", async () => {
    const { roomId, alice, bobGroup, groupInfo } = await openRoom();
    const mallory = await person('mallory');
    await expectRefusedAndUnchanged(mallory.c, roomId, externalReq(roomId, 1, toBase64(new Uint8Array([1, 2, 3, 4])), groupInfo));
    await expectRefusedAndUnchanged(mallory.c, roomId, externalReq(roomId, 1, groupInfo, groupInfo));
    // A member's (PrivateMessage) commit sent down the external path.
    const member = await commitChanges(bobGroup, { addKeyPackages: [(await createKeyPackage(mallory.id)).publicBytes], publishGroupInfo: true });
    await expectRefusedAndUnchanged(mallory.c, roomId, externalReq(roomId, 1, toBase64(member.commit), groupInfo));
    // An honest commit into another open room, replayed here.
    const other = await openRoom();
    const elsewhere = await honestJoin(other.groupInfo, mallory.id);
    await expectRefusedAndUnchanged(mallory.c, roomId, externalReq(roomId, 1, elsewhere.commit, elsewhere.groupInfo));
    // A commit made at epoch 1 announced as epoch 1 is fine; announced at the room's epoch but made at 0, refused.
    const stale = await craftExternalCommit((await newOpenGroup(alice.id, roomId)).groupInfo, mallory.id);
    await expectRefusedAndUnchanged(mallory.c, roomId, externalReq(roomId, 1, stale, groupInfo));
    // The room still works for an honest joiner.
    const ok = await honestJoin(groupInfo, mallory.id);
    expect(await mallory.c.call('room.commit', externalReq(roomId, 1, ok.commit, ok.groupInfo))).toMatchObject({ ok: true, seq: 2 });
  });
});
