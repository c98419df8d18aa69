import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RelayConnection, randomId, type SealroomClient } from '@sealroom/client';
import {
  commitChanges,
  createAuthenticationService,
  decodeGroup,
  decodeIdentity,
  encryptApplication,
  makeClientConfig,
} from '@sealroom/mls';
import { APP_PAYLOAD_VERSION, toBase64, type Handle, type MessageId, type RoomId } from '@sealroom/protocol';
import { SqliteRelayStore } from '@sealroom/server';
import { framedCommit } from '../../packages/server/test/framed.js';
import { aliceAndBobInRoom, device, relayIn, tempDir, until, waitForText, type Relay } from '../harness.js';

// security.md threat 2: a member who talks to the relay directly, around its own client's rules.
describe('a malicious member', () => {
  const tmp = tempDir('evil-member');
  let relay: Relay;
  let alice: SealroomClient, bob: SealroomClient;
  let roomId: string;

  beforeAll(async () => {
    relay = await relayIn(`${tmp.dir}/server`);
    ({ alice, bob, roomId } = await aliceAndBobInRoom(relay.url, tmp.dir, 'Members'));
  });
  afterAll(async () => {
    await Promise.all([alice?.close(), bob?.close()]);
    await relay?.close();
    tmp.cleanup();
  });

  it('cannot slip a commit past the one-commit-per-epoch check by sending it as a message', async () => {
    const warnings: string[] = [];
    bob.on('security', (e) => warnings.push(`${e.kind}: ${e.text}`));
    const before = await bob.epochAuthenticator(roomId);
    // alice's device, driven by hand: build a valid commit from her real state, send it with room.send.
    const room = (await alice.store.getRoom(roomId))!;
    const group = decodeGroup(room.group, makeClientConfig(createAuthenticationService()));
    const c = await commitChanges(group, { publishGroupInfo: false });
    const raw = new RelayConnection(relay.url, decodeIdentity((await alice.store.getIdentity())!));
    raw.start();
    try {
      const res = await raw.request('room.send', {
        roomId: roomId as RoomId,
        epoch: room.epoch,
        msgId: randomId() as MessageId,
        kind: 'application',
        data: toBase64(c.commit),
      });
      // The relay reads the clear content type (RFC 9420 §6.3.1) and refuses a commit sent as a message.
      expect(res).toMatchObject({ ok: false, code: 'ERR_RELAY_MESSAGE_REFUSED' });
    } finally {
      raw.close();
    }
    expect(await bob.syncRoom(roomId)).toMatchObject({ status: 'active' });
    // A relay that skipped that check (written straight into its store, as a lying operator could) is still
    // caught by the members: they read the content type themselves and never apply a commit from room.send.
    const direct = new SqliteRelayStore(`${tmp.dir}/server/relay.db`);
    try {
      expect(
        direct.append({
          roomId: roomId as RoomId,
          epoch: room.epoch,
          msgId: randomId() as MessageId,
          kind: 'application',
          sender: 'alice' as Handle,
          data: toBase64(c.commit),
          time: Date.now(),
          maxSenderBytes: 1 << 30,
        }),
      ).toMatchObject({ status: 'appended' });
    } finally {
      direct.close();
    }
    const r = await bob.syncRoom(roomId);
    expect(r.status).toBe('active');
    expect(await bob.epochAuthenticator(roomId)).toBe(before); // not applied
    expect(warnings.some((w) => w.startsWith('relay-contradicted:') && w.includes('delivered as application'))).toBe(true);
    // The room goes on: alice's real client never adopted that commit, and bob did not either.
    await alice.sendText(roomId, 'still in step');
    await waitForText(bob, roomId, 'still in step');
  });

  it('cannot move the room with a junk, foreign, wrong-epoch or non-commit commit: the relay refuses each, the room goes on', async () => {
    const room = (await bob.store.getRoom(roomId))!;
    const before = { alice: await alice.epochAuthenticator(roomId), bob: await bob.epochAuthenticator(roomId) };
    const raw = new RelayConnection(relay.url, decodeIdentity((await bob.store.getIdentity())!));
    raw.start();
    const group = decodeGroup(room.group, makeClientConfig(createAuthenticationService()));
    const app = await encryptApplication(group, new TextEncoder().encode('not a commit'));
    const foreign = await bob.createRoom('Elsewhere', false);
    const foreignGroup = decodeGroup((await bob.store.getRoom(foreign.roomId))!.group, makeClientConfig(createAuthenticationService()));
    const foreignCommit = await commitChanges(foreignGroup, { publishGroupInfo: false });
    const attempts: [string, Uint8Array | string, number][] = [
      ['junk', 'AAECAwQFBgcICQ==', room.epoch],
      ["another room's commit", toBase64(foreignCommit.commit), room.epoch],
      ['a commit from the next epoch', framedCommit(roomId, room.epoch + 1), room.epoch],
      ['an application message', toBase64(app.message), room.epoch],
    ];
    try {
      for (const [what, commit, epoch] of attempts) {
        const res = await raw.request('room.commit', {
          roomId: roomId as RoomId,
          epoch,
          msgId: randomId() as MessageId,
          commit: typeof commit === 'string' ? commit : toBase64(commit),
          adds: [],
          removes: [],
          external: false,
        });
        expect(res, what).toMatchObject({ ok: false, code: 'ERR_RELAY_COMMIT_REFUSED' });
      }
    } finally {
      raw.close();
    }
    // Nothing moved: both members are still in the same epoch, active, and talking.
    expect(await alice.syncRoom(roomId)).toMatchObject({ status: 'active' });
    expect(await bob.syncRoom(roomId)).toMatchObject({ status: 'active' });
    expect(await alice.epochAuthenticator(roomId)).toBe(before.alice);
    expect(await bob.epochAuthenticator(roomId)).toBe(before.bob);
    await alice.sendText(roomId, 'after the junk');
    await waitForText(bob, roomId, 'after the junk');
    await bob.sendText(roomId, 'still here');
    await waitForText(alice, roomId, 'still here');
  });

  it('cannot close an open room or wipe its removed list on other members\' devices', async () => {
    const mal = await device(relay.url, `${tmp.dir}/mal`, 'mal');
    const roomId2 = (await alice.createRoom('Open lobby', true)).roomId;
    await mal.joinRoom(roomId2);
    await until('mal to learn the name', async () => (await mal.getRoom(roomId2)).name === 'Open lobby');
    await until('alice to see mal', async () => (await alice.members(roomId2)).some((m) => m.handle === 'mal'));
    // mal's device, driven by hand: a valid, signed `meta` saying the room is invite-only and nobody is removed.
    const room = (await mal.store.getRoom(roomId2))!;
    const group = decodeGroup(room.group, makeClientConfig(createAuthenticationService()));
    const id = randomId();
    const payload = JSON.stringify({ v: APP_PAYLOAD_VERSION, id, time: Date.now(), type: 'meta', name: 'Open lobby', open: false, removed: [] });
    const { message } = await encryptApplication(group, new TextEncoder().encode(payload));
    const raw = new RelayConnection(relay.url, decodeIdentity((await mal.store.getIdentity())!));
    raw.start();
    try {
      const res = await raw.request('room.send', { roomId: roomId2 as RoomId, epoch: room.epoch, msgId: id as MessageId, kind: 'application', data: toBase64(message) });
      expect(res.ok).toBe(true);
    } finally {
      raw.close();
      await mal.close();
    }
    await until('alice to report it', async () =>
      (await alice.securityEvents(0, 1000)).some((e) => e.kind === 'room-closed' && e.roomId === roomId2 && e.handle === 'mal'),
    );
    expect((await alice.getRoom(roomId2)).open).toBe(true);
  });
});
