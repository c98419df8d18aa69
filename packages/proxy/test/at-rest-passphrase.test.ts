/**
 * docs/security.md "At rest": with a passphrase, nothing in a proxy's data directory decrypts without it.
 * A real relay, a real proxy (alice) and a real engine (bob): onboard, create a room, add a contact,
 * exchange messages; then every file of alice's directory is searched raw, UTF-16, base64 (3 alignments)
 * and hex for the texts, the room name and id, both handles, the identity private key and the keys.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBase64 } from '@sealroom/protocol';
import type { SealroomClient } from '@sealroom/client';
import { SqliteClientStore, startProxy } from '@sealroom/proxy';
import { device, inviteAndWait, relayIn, tempDir, textsOf, waitForText, type Relay } from '../../../e2e/harness.js';
import { describeLeaks, findLeaks } from '../../../e2e/security/leak-search.js';
import { databaseKey, unlockStoreKey } from '../src/store-key.js';
import { filesOf, modesOf, privateModes, snapshot } from './at-rest-files.js';

const PASS = 'correct horse battery staple';
const ALICE = 'alice-at-rest';
const BOB = 'bobby-contact';
const ROOM_NAME = 'ROOMNAME-at-rest-7f3a';
const TEXT_A = 'MARKER-from-alice-9c1e';
const TEXT_B = 'MARKER-from-bob-44d0';
const REPO = resolve(import.meta.dirname, '../../..');

describe('a passphrase-protected proxy data directory', () => {
  const tmp = tempDir('at-rest');
  const aliceDir = join(tmp.dir, 'alice');
  const webDir = join(tmp.dir, 'web');
  let relay: Relay;
  let bob: SealroomClient;
  let roomId = '';
  let whileRunning = new Map<string, Buffer>();

  beforeAll(async () => {
    mkdirSync(webDir);
    relay = await relayIn(join(tmp.dir, 'relay'));
    bob = await device(relay.url, join(tmp.dir, 'bob'), BOB);
    // The directory exists, world-readable, before the first start: the proxy must tighten it.
    mkdirSync(aliceDir, { mode: 0o755 });
    const alice = await startProxy({ port: 0, serverUrl: relay.url, dataDir: aliceDir, handle: ALICE, webDir, passphrase: { env: PASS } });
    try {
      await alice.client.waitConnected();
      roomId = (await alice.client.createRoom(ROOM_NAME, false)).roomId;
      await inviteAndWait(alice.client, bob, roomId);
      await alice.client.sendText(roomId, TEXT_A);
      await waitForText(bob, roomId, TEXT_A);
      await bob.sendText(roomId, TEXT_B);
      await waitForText(alice.client, roomId, TEXT_B);
      expect((await alice.client.contacts()).map((c) => c.handle)).toContain(BOB);
      // The files as they are while the proxy runs, -wal and -shm included.
      whileRunning = filesOf(aliceDir);
      expect([...whileRunning.keys()]).toEqual(expect.arrayContaining(['proxy.db', 'proxy.db-wal', 'store-key.json']));
      expect(modesOf(aliceDir)).toEqual(privateModes(aliceDir));
    } finally {
      await alice.close();
    }
  }, 120_000);
  afterAll(async () => {
    await bob?.close();
    await relay?.close();
    tmp.cleanup();
  });

  it('holds no text, room name or id, handle, private key or store key in any file, in any encoding', async () => {
    const storeKey = unlockStoreKey(aliceDir, { passphrase: PASS, databaseExists: true });
    const store = new SqliteClientStore(aliceDir, { passphrase: PASS });
    let signKey: Uint8Array;
    try {
      const enc = await store.getIdentity();
      expect(enc).not.toBeNull();
      signKey = fromBase64((JSON.parse(enc!) as { signKey: string }).signKey);
    } finally {
      await store.close();
    }
    const secrets: Record<string, string | Uint8Array> = {
      'alice text': TEXT_A,
      'bob text': TEXT_B,
      'room name': ROOM_NAME,
      'room id': roomId,
      'room id bytes': Buffer.from(roomId, 'hex'),
      'own handle': ALICE,
      "contact's handle": BOB,
      'identity private key': signKey,
      'store key': storeKey,
      'database key': databaseKey(storeKey),
      passphrase: PASS,
    };
    const atRest = filesOf(aliceDir);
    expect(atRest.size).toBeGreaterThanOrEqual(2);
    for (const [label, files] of [
      ['while running', whileRunning],
      ['at rest', atRest],
    ] as const) {
      const haystacks = Object.fromEntries(files);
      for (const [name, secret] of Object.entries(secrets)) {
        const leaks = findLeaks(secret, haystacks);
        expect(leaks, `${label}: ${describeLeaks(name, leaks)}`).toEqual([]);
      }
    }
    // The search itself sees every file: a marker planted in one of them is found.
    const planted = { ...Object.fromEntries(atRest), 'proxy.db': Buffer.concat([atRest.get('proxy.db')!, Buffer.from(ROOM_NAME)]) };
    expect(findLeaks(ROOM_NAME, planted).map((l) => l.where)).toEqual(['proxy.db']);
  });

  it('refuses a wrong or missing passphrase with a typed error and changes no byte', async () => {
    const before = snapshot(aliceDir);
    const modes = modesOf(aliceDir);
    expect(() => new SqliteClientStore(aliceDir, { passphrase: 'wrong horse' })).toThrow(expect.objectContaining({ code: 'ERR_PROXY_BAD_PASSPHRASE' }));
    expect(() => new SqliteClientStore(aliceDir)).toThrow(expect.objectContaining({ code: 'ERR_PROXY_PASSPHRASE_REQUIRED' }));
    await expect(startProxy({ port: 0, serverUrl: relay.url, dataDir: aliceDir, webDir, passphrase: { env: 'wrong horse' } })).rejects.toMatchObject({
      code: 'ERR_PROXY_BAD_PASSPHRASE',
    });
    await expect(startProxy({ port: 0, serverUrl: relay.url, dataDir: aliceDir, webDir })).rejects.toMatchObject({ code: 'ERR_PROXY_PASSPHRASE_REQUIRED' });
    expect(snapshot(aliceDir)).toEqual(before);
    expect(modesOf(aliceDir)).toEqual(modes);
  });

  it('tells the CLI user, who gets exit code 1 and an untouched directory', async () => {
    const before = snapshot(aliceDir);
    const pwFile = join(tmp.dir, 'wrong-pass');
    writeFileSync(pwFile, 'wrong horse\n', { mode: 0o600 });
    const env = { ...process.env };
    delete env['SEALROOM_PASSPHRASE'];
    const run = (args: string[], extraEnv: Record<string, string> = {}) =>
      new Promise<{ code: number | null; stderr: string }>((ok) => {
        const child = execFile(process.execPath, ['packages/cli/bin/sealroom.js', 'proxy', '0', relay.url, '--data', aliceDir, ...args], {
          cwd: REPO,
          env: { ...env, ...extraEnv },
          timeout: 60_000,
        }, (_e, _out, stderr) => ok({ code: child.exitCode, stderr }));
      });
    const wrong = await run(['--passphrase-file', pwFile]);
    expect(wrong.stderr).toMatch(/ERR_PROXY_BAD_PASSPHRASE.*wrong passphrase/);
    expect(wrong.code).toBe(1);
    const none = await run([]);
    expect(none.stderr).toMatch(/ERR_PROXY_PASSPHRASE_REQUIRED.*--passphrase-file or set SEALROOM_PASSPHRASE/);
    expect(none.code).toBe(1);
    const wrongEnv = await run([], { SEALROOM_PASSPHRASE: 'wrong horse' });
    expect(wrongEnv.stderr).toContain('ERR_PROXY_BAD_PASSPHRASE');
    expect(snapshot(aliceDir)).toEqual(before);
  }, 120_000);

  it('reads everything back after a restart with the right passphrase, and keeps the modes private', async () => {
    const alice = await startProxy({ port: 0, serverUrl: relay.url, dataDir: aliceDir, webDir, passphrase: { env: PASS } });
    try {
      expect(alice.client.handle).toBe(ALICE);
      expect((await alice.client.listRooms()).map((r) => [r.roomId, r.name])).toEqual([[roomId, ROOM_NAME]]);
      expect(await textsOf(alice.client, roomId)).toEqual(expect.arrayContaining([TEXT_A, TEXT_B]));
      expect((await alice.client.contacts()).map((c) => c.handle)).toContain(BOB);
      expect(modesOf(aliceDir)).toEqual(privateModes(aliceDir));
    } finally {
      await alice.close();
    }
    expect(modesOf(aliceDir)).toEqual(privateModes(aliceDir));
  }, 60_000);
});
