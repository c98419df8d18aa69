import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import { SealroomClient } from '@sealroom/client';
import { SqliteClientStore } from '@sealroom/proxy';
import { authTranscript, relayOrigin, toBase64 } from '@sealroom/protocol';
import { generateIdentity, signWithIdentity } from '@sealroom/mls';
import { randomBytes } from 'node:crypto';
import { framedCommit, framedWelcome } from '../../packages/server/test/framed.js';
import { aliceAndBobInRoom, device, relayIn, tempDir, until, waitForText, type Relay } from '../harness.js';

/** Any account holder (no room membership needed) sends bob a Welcome that cannot be decoded. */
async function mallorySendsGarbageWelcome(url: string, victim: string): Promise<void> {
  const id = await generateIdentity('mallory');
  const s = io(url, { transports: ['websocket'] });
  const call = (ev: string, p: unknown) => s.timeout(5000).emitWithAck(ev, p) as Promise<{ ok: boolean; [k: string]: unknown }>;
  await new Promise<void>((r) => s.once('connect', () => r()));
  const hello = await call('hello', { protocol: 1 });
  const key = toBase64(id.publicKey);
  const sig = await signWithIdentity(id, authTranscript(hello.challenge as string, 'mallory', key, relayOrigin(url)));
  expect(await call('auth', { handle: 'mallory', identityKey: key, signature: toBase64(sig) })).toMatchObject({ ok: true });
  const roomId = randomBytes(16).toString('hex');
  expect(await call('room.create', { roomId, open: false })).toMatchObject({ ok: true });
  // Plain junk is refused by the relay now (framing-check.ts)...
  const junk = toBase64(new Uint8Array([1, 2, 3, 4, 5, 6]));
  const refused = await call('room.commit', {
    roomId, epoch: 0, msgId: randomBytes(16).toString('hex'), commit: junk, welcome: junk,
    adds: [victim], removes: [], external: false,
  });
  expect(refused).toMatchObject({ ok: false, code: 'ERR_RELAY_COMMIT_REFUSED' });
  // ...but a Welcome whose framing is right and whose secrets are random is what the relay cannot tell apart.
  const res = await call('room.commit', {
    roomId, epoch: 0, msgId: randomBytes(16).toString('hex'), commit: framedCommit(roomId, 0), welcome: framedWelcome(1),
    adds: [victim], removes: [], external: false,
  });
  expect(res).toMatchObject({ ok: true });
  s.disconnect();
}

describe('review: one undecodable Welcome poisons every reconnect', () => {
  const tmp = tempDir('rv-poison');
  let relay: Relay;
  let alice: SealroomClient, bob: SealroomClient;
  let roomId: string;

  beforeAll(async () => {
    relay = await relayIn(`${tmp.dir}/server`);
    ({ alice, bob, roomId } = await aliceAndBobInRoom(relay.url, tmp.dir, 'Poison'));
  });
  afterAll(async () => {
    await Promise.all([alice?.close(), bob?.close()]);
    await relay?.close();
    tmp.cleanup();
  });

  it('bob still catches up his rooms after reconnecting', async () => {
    await mallorySendsGarbageWelcome(relay.url, 'bob');
    await bob.close();
    await alice.sendText(roomId, 'while bob was away');
    // Same data dir: same identity, same rooms. The reconnect routine must catch the room up.
    bob = new SealroomClient({ store: new SqliteClientStore(`${tmp.dir}/bob`), serverUrl: relay.url });
    const warnings: string[] = [];
    bob.on('security', (e) => warnings.push(`${e.code ?? ''}: ${e.kind}: ${e.text}`));
    await bob.start();
    const ready = await bob.waitConnected(8000).then(() => 'ok', (e: Error) => e.message);
    expect(ready).toBe('ok');
    // The junk was reported, not swallowed.
    expect(warnings.some((w) => w.startsWith('ERR_MLS_') && w.includes('invitation-refused'))).toBe(true);
    await waitForText(bob, roomId, 'while bob was away', 2000);
  });
});
