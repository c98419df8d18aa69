import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RelayConnection, randomId, type SealroomClient } from '@sealroom/client';
import {
  commitChanges,
  createAuthenticationService,
  decodeGroup,
  decodeIdentity,
  makeClientConfig,
} from '@sealroom/mls';
import { toBase64, type MessageId, type RoomId } from '@sealroom/protocol';
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
      expect(res.ok).toBe(true); // the relay treats payloads as opaque bytes and appends it
    } finally {
      raw.close();
    }
    const r = await bob.syncRoom(roomId);
    expect(r.status).toBe('active');
    expect(await bob.epochAuthenticator(roomId)).toBe(before); // not applied
    expect(warnings.some((w) => w.startsWith('relay-contradicted:') && w.includes('delivered as application'))).toBe(true);
    // The room goes on: alice's real client never adopted that commit, and bob did not either.
    await alice.sendText(roomId, 'still in step');
    await waitForText(bob, roomId, 'still in step');
  });
});
