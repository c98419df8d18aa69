import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SealroomClient } from '@sealroom/client';
import { device, inviteAndWait, relayIn, tempDir, until, waitForText, type Relay } from '../harness.js';

/** A room that is out of sync on one device, and the way back (issue 6: desync is a state with a recovery). */
describe('out of sync, and rejoining', () => {
  const tmp = tempDir('rejoin');
  let relay: Relay;
  let alice: SealroomClient;
  let bob: SealroomClient;

  beforeAll(async () => {
    relay = await relayIn(`${tmp.dir}/server`);
    alice = await device(relay.url, `${tmp.dir}/alice`, 'alice');
    bob = await device(relay.url, `${tmp.dir}/bob`, 'bob');
  });
  afterAll(async () => {
    await Promise.all([alice?.close(), bob?.close()]);
    await relay?.close();
    tmp.cleanup();
  });

  /** Put a room out of sync on bob's device as a failed commit would (the state machine's only door in). */
  async function desync(roomId: string): Promise<void> {
    const r = (await bob.store.getRoom(roomId))!;
    await bob.store.writeRoom({ room: { ...r, status: 'out-of-sync', reason: 'test: could not process a commit' } });
  }

  it('an open room: bob is told why and how, rejoins by external commit replacing his old leaf, and talks again', async () => {
    const roomId = (await alice.createRoom('Open', true)).roomId;
    await inviteAndWait(alice, bob, roomId);
    await desync(roomId);
    expect(await bob.getRoom(roomId)).toMatchObject({ status: 'out-of-sync', reason: 'test: could not process a commit', recovery: 'rejoin' });
    await expect(bob.sendText(roomId, 'nope')).rejects.toMatchObject({ code: 'ERR_PROXY_NOT_MEMBER' });
    const before = (await alice.getRoom(roomId)).epoch;
    const back = await bob.rejoin(roomId);
    expect(back).toMatchObject({ status: 'active', recovery: null, reason: null });
    await until('alice to process the resync', async () => (await alice.getRoom(roomId)).epoch === before + 1);
    // One leaf for bob: his old one went with the rejoin.
    expect((await alice.members(roomId)).map((m) => m.handle).sort()).toEqual(['alice', 'bob']);
    expect(await alice.epochAuthenticator(roomId)).toBe(await bob.epochAuthenticator(roomId));
    await alice.sendText(roomId, 'welcome back');
    await waitForText(bob, roomId, 'welcome back');
    await bob.sendText(roomId, 'thanks');
    await waitForText(alice, roomId, 'thanks');
  });

  it('an invite-only room cannot be rejoined: the recovery is to be re-added', async () => {
    const roomId = (await alice.createRoom('Closed', false)).roomId;
    await inviteAndWait(alice, bob, roomId);
    await desync(roomId);
    expect((await bob.getRoom(roomId)).recovery).toBe('ask-to-be-readded');
    await expect(bob.rejoin(roomId)).rejects.toMatchObject({ code: 'ERR_PROXY_BAD_REQUEST' });
    expect((await bob.getRoom(roomId)).status).toBe('out-of-sync');
  });
});
