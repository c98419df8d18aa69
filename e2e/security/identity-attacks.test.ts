import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { SealroomClient } from '@sealroom/client';
import { SqliteClientStore } from '@sealroom/proxy';
import {
  commitChanges,
  createGroup,
  createKeyPackage,
  decodeIdentity,
  generateIdentity,
  groupInfoOf,
  type Identity as MlsIdentity,
} from '@sealroom/mls';
import { toBase64, type Handle, type RoomId, type SecurityEvent } from '@sealroom/protocol';
import { startRelay } from '@sealroom/server';
import { lyingStore as lyingStoreOf } from '../lying-store.js';
import { connectClient, hexId, type TestClient } from '../../packages/server/test/helpers.js';
import { craftExternalCommit, honestJoin, leafIsHandle, mlsConfig, relayIdentityOf } from '../../packages/server/test/mls-fixtures.js';
import { device, inviteAndWait, tempDir, until, waitForInvitation, waitForText } from '../harness.js';

/**
 * Issue "Nobody can pose as someone else": each attack from the issue, tried through a real relay (whose
 * store can be made to lie) and real devices on SQLite; each must fail *and* tell the user.
 */

/** A relay store that runs the real SQLite code, with knobs to lie about key packages and account bindings. */
function lyingStore(path: string) {
  const knobs = {
    /** handle → base64 key package handed out instead of the real one. */
    keyPackage: new Map<string, string>(),
    /** handle → base64 identity key answered by identity.lookup instead of the real binding. */
    account: new Map<string, string>(),
  };
  const { store, inner } = lyingStoreOf(path, (t) => ({
    claimKeyPackage: async (handle: Handle) => knobs.keyPackage.get(handle) ?? t.claimKeyPackage(handle),
    accountKeys: async (handles: readonly Handle[]) => {
      const real = t.accountKeys(handles);
      return handles.map((h, i) => knobs.account.get(h) ?? real[i] ?? null);
    },
  }));
  return { store, knobs, inner };
}

const eventsOf = async (c: SealroomClient, kind: SecurityEvent['kind']) => (await c.securityEvents(0, 1000)).filter((e) => e.kind === kind);

describe('identity attacks (issue 5)', () => {
  const tmp = tempDir('identity');
  mkdirSync(`${tmp.dir}/server`, { recursive: true });
  const { store, knobs, inner } = lyingStore(`${tmp.dir}/server/relay.db`);
  let relay: Awaited<ReturnType<typeof startRelay>>;
  let alice: SealroomClient;
  let bob: SealroomClient;
  let mallory: MlsIdentity;
  let m: TestClient;
  const closers: (() => unknown)[] = [];

  beforeAll(async () => {
    relay = await startRelay({ port: 0, store });
    alice = await device(relay.url, `${tmp.dir}/alice`, 'alice');
    bob = await device(relay.url, `${tmp.dir}/bob`, 'bob');
    mallory = await generateIdentity('mallory');
    m = await connectClient(relay.url, 'mallory', relayIdentityOf(mallory));
  });
  afterAll(async () => {
    m?.close();
    for (const c of closers) await c();
    await Promise.all([alice?.close(), bob?.close()]);
    await relay?.close();
    inner.close();
    tmp.cleanup();
  });

  it('key-package substitution on first contact: refused before anything is encrypted to it, and reported', async () => {
    const roomId = (await alice.createRoom('First contact', false)).roomId;
    // The relay hands out a key package for "bob" that carries its own key; its account binding stays honest.
    const relaysBob = await generateIdentity('bob');
    knobs.keyPackage.set('bob', toBase64((await createKeyPackage(relaysBob)).publicBytes));
    try {
      await expect(alice.invite(roomId, 'bob')).rejects.toMatchObject({
        code: 'ERR_MLS_CREDENTIAL_MISMATCH',
        message: expect.stringContaining("the key offered for bob is not bob's") as unknown,
      });
    } finally {
      knobs.keyPackage.delete('bob');
    }
    // Nothing was committed (no Welcome, no ciphertext to the relay's key), and nothing was pinned.
    expect(inner.fetchEntries(roomId as RoomId, 0, 100)).toEqual([]);
    expect((await alice.getRoom(roomId)).epoch).toBe(0);
    expect((await alice.contacts()).map((c) => c.handle)).not.toContain('bob');
    const refused = await eventsOf(alice, 'credential-refused');
    expect(refused.some((e) => e.handle === 'bob' && e.roomId === roomId)).toBe(true);

    // Positive control: the real key package goes through, and bob sees an invitation (not a room).
    await alice.invite(roomId, 'bob');
    await waitForInvitation(bob, roomId);
    expect((await bob.listRooms()).some((r) => r.roomId === roomId)).toBe(false);
    await bob.acceptInvitation(roomId);
    expect((await alice.contacts()).find((c) => c.handle === 'bob')?.state).toBe('new');
  });

  it('a relay key package for another handle is refused', async () => {
    const roomId = (await alice.createRoom('Wrong handle', false)).roomId;
    const carol = await generateIdentity('carol');
    knobs.keyPackage.set('bob', toBase64((await createKeyPackage(carol)).publicBytes));
    try {
      await expect(alice.invite(roomId, 'bob')).rejects.toMatchObject({ code: 'ERR_MLS_CREDENTIAL_MISMATCH' });
    } finally {
      knobs.keyPackage.delete('bob');
    }
    expect(inner.fetchEntries(roomId as RoomId, 0, 100)).toEqual([]);
  });

  it('safety numbers: 60 digits, equal on both sides; a key change for a known contact is held until accepted', async () => {
    const [ab, ba] = await Promise.all([alice.safetyNumber('bob'), bob.safetyNumber('alice')]);
    expect(ab.digits).toMatch(/^[0-9]{60}$/);
    expect(ab.groups).toHaveLength(12);
    expect(ab.digits).toBe(ba.digits);
    await alice.verify('bob', ab.digits);
    expect((await alice.contacts()).find((c) => c.handle === 'bob')?.state).toBe('verified');
    const shared = (await alice.listRooms()).find((r) => r.name === 'First contact')!.roomId;

    // Now the relay lies consistently: its binding for bob and bob's key package both carry its own key.
    const relaysBob = await generateIdentity('bob');
    knobs.account.set('bob', toBase64(relaysBob.publicKey));
    knobs.keyPackage.set('bob', toBase64((await createKeyPackage(relaysBob)).publicBytes));
    const roomId = (await alice.createRoom('Second room', false)).roomId;
    await expect(alice.invite(roomId, 'bob')).rejects.toMatchObject({ code: 'ERR_CLIENT_KEY_CHANGED' });
    expect(inner.fetchEntries(roomId as RoomId, 0, 100)).toEqual([]);
    const contact = (await alice.contacts()).find((c) => c.handle === 'bob')!;
    expect(contact.state).toBe('changed');
    expect(contact.pendingFingerprint).not.toBeNull();
    expect(contact.verifiedAt).toBeNull();
    // The user is told, and sending to rooms with bob is blocked until the new key is accepted.
    expect((await eventsOf(alice, 'key-changed')).some((e) => e.handle === 'bob')).toBe(true);
    expect((await alice.getRoom(shared)).keyChanged).toEqual(['bob']);
    await expect(alice.sendText(shared, 'to the wrong bob?')).rejects.toMatchObject({ code: 'ERR_CLIENT_KEY_CHANGED' });
    await expect(alice.verify('bob')).rejects.toMatchObject({ code: 'ERR_CLIENT_KEY_CHANGED' });

    // Accepting the key is the user's decision; the safety number then differs from the one compared.
    await alice.trust('bob');
    const after = await alice.safetyNumber('bob');
    expect(after.digits).not.toBe(ab.digits);
    expect(after.state).toBe('new');
    expect((await eventsOf(alice, 'key-accepted')).some((e) => e.handle === 'bob')).toBe(true);
    // The room where bob's leaf still has the old key stays blocked: that key is no longer bob's for alice.
    expect((await alice.getRoom(shared)).keyChanged).toEqual(['bob']);
    expect((await alice.members(shared)).find((x) => x.handle === 'bob')?.state).toBe('changed');
    await expect(alice.sendText(shared, 'still blocked')).rejects.toMatchObject({
      code: 'ERR_CLIENT_KEY_CHANGED',
      message: expect.stringContaining('no longer accept') as unknown,
    });
    knobs.account.delete('bob');
    knobs.keyPackage.delete('bob');
  });

  it('a GroupInfo tree with leaves claiming other people\'s handles: join refused, no contact changed', async () => {
    const carol = await device(relay.url, `${tmp.dir}/carol`, 'carol');
    closers.push(() => carol.close());
    const before = await carol.contacts();
    const roomId = hexId();
    // mallory builds an open room whose tree holds leaves she controls under "bob" and "alice".
    let g = await createGroup(mallory, Buffer.from(roomId, 'hex'), mlsConfig());
    expect(await m.call('room.create', { roomId, open: true, groupInfo: toBase64(await groupInfoOf(g)) })).toMatchObject({ ok: true });
    const fakes = await Promise.all(['bob', 'alice'].map(async (h) => (await createKeyPackage(await generateIdentity(h))).publicBytes));
    const out = await commitChanges(g, { addKeyPackages: fakes, publishGroupInfo: true });
    g = out.group;
    const res = await m.call('room.commit', {
      roomId, epoch: 0, msgId: hexId(), commit: toBase64(out.commit), groupInfo: toBase64(out.groupInfo!), adds: [], removes: [], external: false,
    });
    expect(res).toMatchObject({ ok: true });

    await expect(carol.joinRoom(roomId)).rejects.toMatchObject({ code: 'ERR_MLS_CREDENTIAL_MISMATCH' });
    expect(await carol.contacts()).toEqual(before); // nothing pinned for the fake bob or alice (nor mallory)
    expect((await carol.listRooms()).some((r) => r.roomId === roomId)).toBe(false);
    const refused = await eventsOf(carol, 'credential-refused');
    expect(refused.filter((e) => e.roomId === roomId).map((e) => e.handle).sort()).toEqual(['alice', 'bob']);

    // The same tree behind a broken GroupInfo signature: the join fails and still nothing is pinned.
    const roomId2 = hexId();
    const g2 = await createGroup(mallory, Buffer.from(roomId2, 'hex'), mlsConfig());
    expect(await m.call('room.create', { roomId: roomId2, open: true, groupInfo: toBase64(await groupInfoOf(g2)) })).toMatchObject({ ok: true });
    const out2 = await commitChanges(g2, { addKeyPackages: [(await createKeyPackage(await generateIdentity('dave'))).publicBytes], publishGroupInfo: true });
    const broken = Buffer.from(out2.groupInfo!);
    broken[broken.length - 5]! ^= 0x01; // inside the GroupInfo signature, the last field
    expect(
      await m.call('room.commit', {
        roomId: roomId2, epoch: 0, msgId: hexId(), commit: toBase64(out2.commit), groupInfo: broken.toString('base64'), adds: [], removes: [], external: false,
      }),
    ).toMatchObject({ ok: true });
    await expect(carol.joinRoom(roomId2)).rejects.toBeTruthy();
    expect(await carol.contacts()).toEqual(before);
  });

  it('a Welcome whose tree holds someone else\'s handle: invitation refused, no contact changed', async () => {
    const dana = await device(relay.url, `${tmp.dir}/dana`, 'dana');
    closers.push(() => dana.close());
    const roomId = hexId();
    let g = await createGroup(mallory, Buffer.from(roomId, 'hex'), mlsConfig());
    expect(await m.call('room.create', { roomId, open: false })).toMatchObject({ ok: true });
    const danaKp = await m.call('kp.claim', { handle: 'dana' });
    expect(danaKp).toMatchObject({ ok: true });
    const fakeAlice = (await createKeyPackage(await generateIdentity('alice'))).publicBytes;
    const out = await commitChanges(g, { addKeyPackages: [fakeAlice, Buffer.from(danaKp.keyPackage as string, 'base64')], publishGroupInfo: false });
    g = out.group;
    expect(
      await m.call('room.commit', {
        roomId, epoch: 0, msgId: hexId(), commit: toBase64(out.commit), welcome: toBase64(out.welcome!), adds: ['dana'], removes: [], external: false,
      }),
    ).toMatchObject({ ok: true });
    await until('dana to refuse the invitation', async () => (await eventsOf(dana, 'invitation-refused')).some((e) => e.roomId === roomId));
    expect(await dana.invitations()).toEqual([]);
    expect((await dana.contacts()).map((c) => c.handle)).toEqual([]);
    expect((await eventsOf(dana, 'credential-refused')).some((e) => e.handle === 'alice' && e.roomId === roomId)).toBe(true);
  });

  it('an unsolicited Welcome is a pending invitation: nothing joined, nothing shown, until accepted', async () => {
    const mal = await device(relay.url, `${tmp.dir}/mal`, 'mal');
    closers.push(() => mal.close());
    const roomId = (await mal.createRoom('IT Security – urgent', false)).roomId;
    await mal.invite(roomId, 'alice');
    await mal.sendText(roomId, 'ceo here: reset your password at evil.example');
    await waitForInvitation(alice, roomId);
    const inv = (await alice.invitations()).find((i) => i.roomId === roomId)!;
    expect(inv).toMatchObject({ name: 'IT Security – urgent', invitedBy: 'mal' });
    expect(inv.members.map((x) => `${x.handle}:${x.state}`).sort()).toEqual(['alice:self', 'mal:new']);
    expect((await alice.listRooms()).some((r) => r.roomId === roomId)).toBe(false);
    await expect(alice.messages(roomId)).rejects.toMatchObject({ code: 'ERR_PROXY_UNKNOWN_ROOM' });
    expect((await eventsOf(alice, 'invitation-received')).some((e) => e.roomId === roomId && e.handle === 'mal')).toBe(true);

    // Declining leaves by self-remove: mal's device commits it and alice is gone from the group.
    await alice.declineInvitation(roomId);
    expect(await alice.invitations()).toEqual([]);
    expect((await alice.listRooms()).some((r) => r.roomId === roomId)).toBe(false); // declined is not a room
    await until('mal to see alice leave', async () => (await mal.members(roomId)).every((x) => x.handle !== 'alice'), 15_000);
  });

  it('an external commit that removes another member: refused by the relay, and by members if the relay lets it in', async () => {
    // (alice accepted the relay's key for "bob" above, so this room is alice and erin.)
    const erin = await device(relay.url, `${tmp.dir}/erin`, 'erin');
    closers.push(() => erin.close());
    const roomId = (await alice.createRoom('Open door', true)).roomId;
    await inviteAndWait(alice, erin, roomId);
    const info = await m.call('room.info', { roomId });
    const evict = await craftExternalCommit(info.groupInfo as string, mallory, { removeLeafWhere: leafIsHandle('erin') });
    const refused = await m.call('room.commit', {
      roomId, epoch: info.epoch, msgId: hexId(), commit: evict, groupInfo: info.groupInfo, adds: [], removes: [], external: true,
    });
    expect(refused).toMatchObject({ ok: false, code: 'ERR_RELAY_COMMIT_REFUSED' });

    // A lying relay appends it anyway: every member refuses it, stops the room, and says who tried what.
    const msgId = hexId();
    const appended = inner.commit({
      roomId: roomId as RoomId, epoch: info.epoch as number, msgId: msgId as never, sender: 'mallory' as Handle, data: evict, time: Date.now(),
      groupInfo: info.groupInfo as string, welcome: null, adds: [], removes: [], externalJoiner: 'mallory' as Handle,
    });
    expect(appended.status).toBe('appended');
    for (const c of [alice, erin]) {
      const r = await c.syncRoom(roomId);
      expect(r.status).toBe('out-of-sync');
      const ev = (await eventsOf(c, 'commit-refused')).find((e) => e.roomId === roomId);
      expect(ev?.text).toContain('removes erin');
      expect(ev?.handle).toBe('mallory');
    }
    expect((await erin.listRooms()).find((r) => r.roomId === roomId)?.status).toBe('out-of-sync');
  });

  it('a commit that brings a changed key for a known contact holds the room until the key is accepted', async () => {
    const gina = await device(relay.url, `${tmp.dir}/gina`, 'gina');
    const hank = await device(relay.url, `${tmp.dir}/hank`, 'hank');
    closers.push(() => gina.close(), () => hank.close());
    // alice knows gina's real key from a room they share.
    const known = (await alice.createRoom('Known', false)).roomId;
    await inviteAndWait(alice, gina, known);
    // hank and alice share another room; then the relay hands hank its own key for "gina".
    const roomId = (await hank.createRoom('Held', false)).roomId;
    await inviteAndWait(hank, alice, roomId);
    const relaysGina = await generateIdentity('gina');
    knobs.account.set('gina', toBase64(relaysGina.publicKey));
    knobs.keyPackage.set('gina', toBase64((await createKeyPackage(relaysGina)).publicBytes));
    try {
      await hank.invite(roomId, 'gina'); // first contact for hank: he cannot tell
      await until('alice to hold the room', async () => (await alice.getRoom(roomId)).status === 'held');
      const held = await alice.getRoom(roomId);
      expect(held.epoch).toBe(1); // the commit was not applied
      expect((await alice.members(roomId)).map((x) => x.handle).sort()).toEqual(['alice', 'hank']);
      expect((await eventsOf(alice, 'key-changed')).some((e) => e.handle === 'gina' && e.roomId === roomId)).toBe(true);
      expect(held.keyChanged).toEqual(['gina']);
      await expect(alice.sendText(roomId, 'while held')).rejects.toMatchObject({
        code: 'ERR_CLIENT_KEY_CHANGED',
        message: expect.stringContaining("gina's key changed") as unknown,
      });
      await expect(alice.sendText(known, 'to gina?')).rejects.toMatchObject({ code: 'ERR_CLIENT_KEY_CHANGED' });
      // Accepting the key (the user's call, after comparing) resumes the room from the held commit.
      await alice.trust('gina');
      await until('alice to resume', async () => (await alice.getRoom(roomId)).status === 'active');
      expect((await alice.getRoom(roomId)).epoch).toBe(2);
      expect((await alice.members(roomId)).map((x) => x.handle).sort()).toEqual(['alice', 'gina', 'hank']);
    } finally {
      knobs.account.delete('gina');
      knobs.keyPackage.delete('gina');
    }
  });

  it('removal sticks in an open room: the removed member cannot rejoin by id until invited again', async () => {
    const ivy = await device(relay.url, `${tmp.dir}/ivy`, 'ivy');
    closers.push(() => ivy.close());
    const roomId = (await alice.createRoom('Open but not for everyone', true)).roomId;
    await ivy.joinRoom(roomId);
    await until('alice to see ivy', async () => (await alice.members(roomId)).some((x) => x.handle === 'ivy'));
    await alice.remove(roomId, 'ivy');
    await until('ivy to learn of her removal', async () => (await ivy.getRoom(roomId)).status === 'removed');
    const epoch = (await alice.getRoom(roomId)).epoch;
    await expect(ivy.joinRoom(roomId)).rejects.toMatchObject({ code: 'ERR_RELAY_REMOVED_FROM_ROOM' });
    expect((await alice.getRoom(roomId)).epoch).toBe(epoch);
    expect((await alice.getRoom(roomId)).status).toBe('active');

    // A lying relay lets her external commit in anyway: members refuse it, and say who and why.
    const ivyId = decodeIdentity((await ivy.store.getIdentity())!);
    const info = await m.call('room.info', { roomId });
    const sneak = await honestJoin(info.groupInfo as string, ivyId);
    expect(
      inner.commit({
        roomId: roomId as RoomId, epoch: info.epoch as number, msgId: hexId() as never, sender: 'ivy' as Handle, data: sneak.commit,
        time: Date.now(), groupInfo: sneak.groupInfo, welcome: null, adds: [], removes: [], externalJoiner: 'ivy' as Handle,
      }).status,
    ).toBe('appended');
    expect((await alice.syncRoom(roomId)).status).toBe('out-of-sync');
    const ev = (await eventsOf(alice, 'commit-refused')).find((e) => e.roomId === roomId);
    expect(ev).toMatchObject({ handle: 'ivy' });
    expect(ev?.text).toContain('ivy was removed from this room and rejoined by itself');

    // Positive control: in another open room, an invitation lifts the ban at the relay and at members.
    const again = (await alice.createRoom('Second chance', true)).roomId;
    await ivy.joinRoom(again);
    await until('alice to see ivy', async () => (await alice.members(again)).some((x) => x.handle === 'ivy'));
    await alice.remove(again, 'ivy');
    await until('ivy removed', async () => (await ivy.getRoom(again)).status === 'removed');
    await expect(ivy.joinRoom(again)).rejects.toMatchObject({ code: 'ERR_RELAY_REMOVED_FROM_ROOM' });
    await inviteAndWait(alice, ivy, again);
    await alice.sendText(again, 'welcome back');
    await waitForText(ivy, again, 'welcome back');
  });

  it('the inviter is whoever signed the Welcome: a stranger cannot pass as a verified contact (nor get auto-accepted)', async () => {
    const kim = new SealroomClient({ store: new SqliteClientStore(`${tmp.dir}/kim`), serverUrl: relay.url, autoAccept: 'verified' });
    closers.push(() => kim.close());
    await kim.start();
    await kim.onboard('kim');
    const lena = await device(relay.url, `${tmp.dir}/lena`, 'lena');
    closers.push(() => lena.close());
    const known = (await lena.createRoom('Known', false)).roomId;
    await lena.invite(known, 'kim');
    await waitForInvitation(kim, known);
    await kim.acceptInvitation(known);
    await kim.verify('lena');
    // mallory adds lena and kim to her own room and writes "invited by lena" inside the Welcome.
    const roomId = hexId();
    const g = await createGroup(mallory, Buffer.from(roomId, 'hex'), mlsConfig());
    expect(await m.call('room.create', { roomId, open: false })).toMatchObject({ ok: true });
    const kps = await Promise.all(['lena', 'kim'].map(async (h) => Buffer.from((await m.call('kp.claim', { handle: h })).keyPackage as string, 'base64')));
    const lie = new TextEncoder().encode(JSON.stringify({ v: 1, name: 'Lena and Kim', open: false, invitedBy: 'lena', removed: [] }));
    const out = await commitChanges(g, { addKeyPackages: kps, publishGroupInfo: false, welcomeInfo: lie });
    expect(
      await m.call('room.commit', {
        roomId, epoch: 0, msgId: hexId(), commit: toBase64(out.commit), welcome: toBase64(out.welcome!), adds: ['lena', 'kim'], removes: [], external: false,
      }),
    ).toMatchObject({ ok: true });
    // An invitation that is visible is one that waits: the auto-accept decision is made before it is stored.
    await waitForInvitation(kim, roomId);
    expect((await kim.invitations()).find((i) => i.roomId === roomId)?.invitedBy).toBe('mallory');
    expect((await kim.listRooms()).some((r) => r.roomId === roomId)).toBe(false);
    const ev = (await eventsOf(kim, 'invitation-received')).find((e) => e.roomId === roomId);
    expect(ev).toMatchObject({ handle: 'mallory' });
  });
});
