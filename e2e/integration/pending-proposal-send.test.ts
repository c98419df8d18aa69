import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SealroomClient } from '@sealroom/client';
import { inviteAndWait, device, relayIn, tempDir, until, waitForText, type Relay } from '../harness.js';

describe('review: a pending self-remove proposal blocks every send in the room', () => {
  const tmp = tempDir('rv-proposal');
  let relay: Relay;
  let alice: SealroomClient, bob: SealroomClient, carol: SealroomClient;
  let roomId: string;

  beforeAll(async () => {
    relay = await relayIn(`${tmp.dir}/server`);
    alice = await device(relay.url, `${tmp.dir}/alice`, 'alice');
    bob = await device(relay.url, `${tmp.dir}/bob`, 'bob');
    carol = await device(relay.url, `${tmp.dir}/carol`, 'carol');
    roomId = (await alice.createRoom('Proposals', false)).roomId;
    await inviteAndWait(alice, bob, roomId);
    await inviteAndWait(alice, carol, roomId);
    await Promise.all([bob.syncRoom(roomId), carol.syncRoom(roomId)]);
  });
  afterAll(async () => {
    await Promise.all([alice?.close(), bob?.close(), carol?.close()]);
    await relay?.close();
    tmp.cleanup();
  });

  it('bob can send while carol\'s leave proposal waits for its commit', async () => {
    // alice (leaf 0, the one who would commit at once) is offline; bob is only the 2.5–5 s backup.
    await alice.close();
    const seqBefore = (await bob.getRoom(roomId)).lastSeq;
    await carol.leave(roomId);
    await until('bob to process the proposal', async () => (await bob.getRoom(roomId)).lastSeq > seqBefore);
    const r = await bob.sendText(roomId, 'sent while a proposal is pending').then(
      (m) => m.state,
      (e: Error) => `threw: ${e.message}`,
    );
    expect(r).toBe('sent');
    await waitForText(bob, roomId, 'sent while a proposal is pending');
    // bob committed carol's pending self-removal first (RFC 9420 §12.2), then sent.
    expect((await bob.members(roomId)).map((m) => m.handle)).not.toContain('carol');
  });
});
