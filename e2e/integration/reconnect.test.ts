import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SealroomClient } from '@sealroom/client';
import { aliceAndBobInRoom, device, relayIn, tempDir, textsOf, until, waitForText, type Relay } from '../harness.js';
import { freePort } from '../processes.js';

describe('relay restarts and offline members (nothing acknowledged is lost)', () => {
  const tmp = tempDir('reconnect');
  let port: number;
  let relay: Relay;
  let alice: SealroomClient, bob: SealroomClient;
  let roomId: string;

  beforeAll(async () => {
    port = await freePort();
    relay = await relayIn(`${tmp.dir}/server`, undefined, port);
    ({ alice, bob, roomId } = await aliceAndBobInRoom(relay.url, tmp.dir, 'Resilient'));
  });
  afterAll(async () => {
    await Promise.all([alice?.close(), bob?.close()]);
    await relay?.close();
    tmp.cleanup();
  });

  it('a member offline across commits and messages catches up from its last sequence number', async () => {
    await bob.close();
    for (let i = 0; i < 30; i++) await alice.sendText(roomId, `while bob was away ${i}`);
    // A commit while bob is away too: he must process it in order, then the messages after it.
    await alice.invite(roomId, 'carol').catch(() => undefined); // carol has no account: the invite fails, state unchanged
    const carol = await device(relay.url, `${tmp.dir}/carol`, 'carol');
    await alice.invite(roomId, 'carol');
    await alice.sendText(roomId, 'after the commit');
    bob = await device(relay.url, `${tmp.dir}/bob`, 'bob'); // same data directory: same identity, same rooms
    await waitForText(bob, roomId, 'after the commit');
    const texts = await textsOf(bob, roomId);
    for (let i = 0; i < 30; i++) expect(texts).toContain(`while bob was away ${i}`);
    expect(await bob.epochAuthenticator(roomId)).toBe(await alice.epochAuthenticator(roomId));
    await carol.close();
  });

  it('a message sent while the relay is down is queued, then delivered once after it comes back', async () => {
    await relay.close();
    const pending = alice.sendText(roomId, 'sent during the outage');
    await new Promise((r) => setTimeout(r, 700));
    relay = await relayIn(`${tmp.dir}/server`, undefined, port);
    const m = await pending;
    expect(m.state).toBe('sent');
    await waitForText(bob, roomId, 'sent during the outage', 15_000);
    const copies = (await bob.messages(roomId, 1000)).filter((x) => x.text === 'sent during the outage');
    expect(copies).toHaveLength(1);
    // Both keep working in both directions after the restart.
    await bob.sendText(roomId, 'bob after the outage');
    await waitForText(alice, roomId, 'bob after the outage');
  });

  it('a member removed while offline learns it from MLS when it comes back', async () => {
    await bob.close();
    await alice.remove(roomId, 'bob');
    await alice.sendText(roomId, 'after bob was removed');
    bob = await device(relay.url, `${tmp.dir}/bob`, 'bob');
    // The relay lets bob read up to the commit that removed him; MLS then says he is out.
    await until('bob to see his removal', async () => (await bob.getRoom(roomId)).status === 'removed');
    expect(await textsOf(bob, roomId)).not.toContain('after bob was removed');
  });
});
