import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRelay } from '@sealroom/server';
import { tempDir } from '../harness.js';
import { freePort, runSealroom, spawnSealroom, type Spawned } from '../processes.js';
import { impostorStore } from '../lying-store.js';

/**
 * The real relay over a store told to lie about one handle's account (as e2e/browser/verification.test.ts
 * does): once `impostor` names a handle, a login for it with any other key is accepted and the relay answers
 * that key from then on. An honest relay binds a handle to its first key, so this is the only way to make a
 * known contact's key change.
 */
const lyingStore = impostorStore;

describe('sealroom trust: a changed key is held until accepted', () => {
  const tmp = tempDir('cli-key-change');
  mkdirSync(join(tmp.dir, 'server'), { recursive: true });
  const { store, knobs, inner } = lyingStore(join(tmp.dir, 'server', 'relay.db'));
  let relay: Awaited<ReturnType<typeof startRelay>>;
  const procs: Spawned[] = [];
  let alice = '';
  let bob = '';

  const proxy = async (handle: string, dir: string) => {
    const p = await spawnSealroom(
      ['proxy', String(await freePort()), relay.url, '--data', join(tmp.dir, dir), '--handle', handle],
      new RegExp(`Sealroom proxy for ${handle}: (\\S+)`),
    );
    procs.push(p);
    return join(tmp.dir, dir); // the CLI reads the proxy's address and credential from its data directory
  };
  const as = (proxyDir: string, args: string[]) => runSealroom([...args, '--proxy', proxyDir]);
  const ok = async (url: string, args: string[]) => {
    const r = await as(url, args);
    if (r.code !== 0) throw new Error(`sealroom ${args.join(' ')} → ${r.code}: ${r.stderr}`);
    return r.stdout.trim();
  };
  const poll = async <T>(get: () => Promise<T>, done: (v: T) => boolean): Promise<T> => {
    let v = await get();
    for (let i = 0; i < 60 && !done(v); i++) {
      await new Promise((r) => setTimeout(r, 100));
      v = await get();
    }
    return v;
  };
  type ContactJson = { handle: string; state: string; fingerprint: string; pendingFingerprint: string | null };
  const bobContact = async () => (JSON.parse(await ok(alice, ['contacts', '--json'])) as ContactJson[]).find((c) => c.handle === 'bob');
  type RoomJson = { roomId: string; status: string; members: number; keyChanged: string[] };
  const roomOf = async (id: string) => (JSON.parse(await ok(alice, ['rooms', 'list', '--json'])) as RoomJson[]).find((r) => r.roomId === id);

  const events = async () =>
    (await ok(alice, ['events', '--json'])).split('\n').map((l) => JSON.parse(l) as { kind: string; handle: string | null });

  beforeAll(async () => {
    relay = await startRelay({ port: 0, store });
    alice = await proxy('alice', 'alice');
    bob = await proxy('bob', 'bob');
  });
  afterAll(async () => {
    await Promise.all(procs.map((p) => p.stop()));
    await relay?.close();
    inner.close();
    tmp.cleanup();
  });

  it('contacts, members, rooms and events show the change; send fails with the code until trust', async () => {
    // alice meets bob's real key first.
    const first = await ok(alice, ['rooms', 'create', 'First']);
    await ok(alice, ['rooms', 'invite', first, 'bob']);
    await poll(() => ok(bob, ['invites', '--json']), (s) => s.includes(first));
    expect(await ok(bob, ['invites', 'accept', first])).toBe(first);
    const known = await bobContact();
    expect(known).toMatchObject({ state: 'new', pendingFingerprint: null });

    // The relay lies: a fresh device with a new key logs in as bob and joins alice's open room.
    const town = await ok(alice, ['rooms', 'create', 'Town square', '--open']);
    knobs.impostor = 'bob';
    const impostor = await proxy('bob', 'impostor');
    expect(await ok(impostor, ['rooms', 'join', town])).toBe(town);

    const changed = await poll(bobContact, (c) => c?.state === 'changed');
    expect(changed).toMatchObject({ state: 'changed', fingerprint: known!.fingerprint, pendingFingerprint: expect.any(String) });
    expect(changed!.pendingFingerprint).not.toBe(known!.fingerprint);
    expect(await ok(alice, ['contacts'])).toMatch(/^bob +! KEY CHANGED .* new key .*sealroom trust bob\)$/m);
    // Both rooms name bob and block sending: the one he already shares with alice, and the open room, which
    // waits (held) before the commit that brings the new key.
    const shared = await poll(() => roomOf(first), (r) => (r?.keyChanged ?? []).includes('bob'));
    expect(shared).toMatchObject({ keyChanged: ['bob'] });
    const held = await poll(() => roomOf(town), (r) => r?.status === 'held' && r.keyChanged.includes('bob'));
    expect(held).toMatchObject({ status: 'held', members: 1, keyChanged: ['bob'] });
    const list = await ok(alice, ['rooms', 'list']);
    expect(list).toMatch(new RegExp(`^${first} .* active +First  ! key changed: bob \\(sending blocked\\)$`, 'm'));
    expect(list).toMatch(new RegExp(`^${town} .* held +Town square  ! key changed: bob \\(sending blocked\\)$`, 'm'));
    expect(await ok(alice, ['members', first])).toMatch(/^bob +! KEY CHANGED +[0-9a-f ]+ +\(compare safety numbers, then: sealroom trust bob\)$/m);

    const blocked = await as(alice, ['send', first, 'who is this?']);
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toMatch(/^sealroom: ERR_CLIENT_KEY_CHANGED: .+\n$/);
    expect(await events()).toContainEqual(expect.objectContaining({ kind: 'key-changed', handle: 'bob' }));

    // Accepting the new key: it becomes bob's key (unverified), and the room resumes.
    expect(await ok(alice, ['trust', 'bob'])).toMatch(new RegExp(`^bob +new +${changed!.pendingFingerprint!}`));
    expect(await bobContact()).toMatchObject({ state: 'new', fingerprint: changed!.pendingFingerprint, pendingFingerprint: null });
    const resumed = await poll(() => roomOf(town), (r) => r?.status === 'active' && r.members === 2);
    expect(resumed).toMatchObject({ status: 'active', members: 2, keyChanged: [] });
    expect(await ok(alice, ['send', town, 'hello town'])).toMatch(/^[0-9a-f]{32}$/);
    expect(await events()).toContainEqual(expect.objectContaining({ kind: 'key-accepted', handle: 'bob' }));
  });
});
