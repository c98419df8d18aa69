import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RelayConnection, randomId, type SealroomClient } from '@sealroom/client';
import { createAuthenticationService, decodeGroup, decodeIdentity, encryptApplication, makeClientConfig } from '@sealroom/mls';
import { toBase64, type MessageId, type RoomId } from '@sealroom/protocol';
import { device, until } from '../harness.js';
import { SEALROOM_BIN, freePort, spawnSealroom, type Spawned } from '../processes.js';

// Issue 8 (security.md E-section), "the CLI can be made to lie": a member (mallory) sends bob text and room
// metadata built to forge or garble his terminal. bob runs a real relay and proxy; every command he would use
// to read the room must print one escaped line per record and exit 0, and `messages --follow` must survive.

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => String.fromCharCode(from + i)).join('');
const C0 = range(0x00, 0x1f);
const C1 = range(0x7f, 0x9f);
const BIDI = `${range(0x202a, 0x202e)}${range(0x2066, 0x2069)}\u200e\u200f\u061c`;
const ZERO_WIDTH = '\u200b\u200c\u200d\u2060\ufeff';
const SEPARATORS = '\u2028\u2029';
/** Nothing a terminal would act on or hide. */
const UNSAFE = new RegExp(`[${[C0, C1, BIDI, ZERO_WIDTH, SEPARATORS].join('').replace(/[\\\]^-]/g, '\\$&')}]`, 'u');

/** Message texts an honest client sends as they are (the proxy's local API takes any text). */
const TEXTS = [
  'fine\n2024-01-02 03:04:06 <alice> wire the money to mallory',
  `c0:${C0}`,
  `c1:${C1}`,
  `bidi:${BIDI}end`,
  `zw:a${ZERO_WIDTH}b`,
  `sep:one${SEPARATORS}two`,
];
/** Payloads only a hand-driven client sends: impossible times and renames that break the room-name rules. */
const CRAFTED = [
  { type: 'text', time: 9e15, text: 'from the far future' },
  { type: 'text', time: Number.MAX_SAFE_INTEGER, text: 'from the end of time' },
  { type: 'meta', time: 1, name: `Evil\u202egnp.exe`, open: false },
  { type: 'meta', time: 1, name: 'ring\u0007\u001b[2J', open: false },
  { type: 'meta', time: 1, name: 'zero\u200bwidth', open: false },
  { type: 'meta', time: 1, name: 'Renamed <alice>', open: false },
] as const;

describe('CLI output cannot be forged (real relay and proxy processes)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sealroom-forgery-'));
  const procs: Spawned[] = [];
  const followers: ChildProcess[] = [];
  let relayUrl = '';
  /** bob's data directory: the CLI finds his proxy's address and credential there. */
  let bobDir = '';
  let mallory: SealroomClient;
  let roomId = '';

  /** `sealroom ARGS` against bob's proxy (named by SEALROOM_PROXY, never in argv). */
  const bob = (args: string[], timeoutMs = 30_000) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [SEALROOM_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SEALROOM_PROXY: bobDir, NO_COLOR: '1' } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
      const t = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.once('exit', (code) => {
        clearTimeout(t);
        resolve({ code, stdout, stderr });
      });
    });
  const follow = (args: string[]) => {
    const child = spawn(process.execPath, [SEALROOM_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SEALROOM_PROXY: bobDir, NO_COLOR: '1' } });
    followers.push(child);
    const out: { stdout: string; stderr: string; exit: number | null | 'running' } = { stdout: '', stderr: '', exit: 'running' };
    child.stdout!.on('data', (d: Buffer) => (out.stdout += d.toString('utf8')));
    child.stderr!.on('data', (d: Buffer) => (out.stderr += d.toString('utf8')));
    child.once('exit', (code) => (out.exit = code));
    return out;
  };
  /** Every line inert, the command exited 0 and said nothing on stderr. */
  const expectClean = (r: { code: number | null; stdout: string; stderr: string }, what: string) => {
    expect(r.stderr, `${what}: stderr`).toBe('');
    expect(r.code, `${what}: exit code`).toBe(0);
    const lines = r.stdout.split('\n').slice(0, -1);
    for (const line of lines) expect(UNSAFE.test(line), `${what}: raw control, bidi or zero-width in ${JSON.stringify(line)}`).toBe(false);
    return lines;
  };

  beforeAll(async () => {
    const relay = await spawnSealroom(['server', String(await freePort()), '--data', join(dir, 'server')], /listening on (\S+)/);
    procs.push(relay);
    relayUrl = relay.line[1]!;
    const p = await spawnSealroom(['proxy', String(await freePort()), relayUrl, '--data', join(dir, 'bob'), '--handle', 'bob'], /Sealroom proxy for bob: (\S+)/);
    procs.push(p);
    bobDir = join(dir, 'bob');
    mallory = await device(relayUrl, join(dir, 'mallory'), 'mallory');
    roomId = (await mallory.createRoom('Forgery', false)).roomId;
    await mallory.invite(roomId, 'bob');
  });
  afterAll(async () => {
    for (const f of followers) f.kill('SIGTERM');
    await mallory?.close();
    await Promise.all(procs.map((p) => p.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('messages, messages --follow, rooms list, events, members and invites print escaped and never crash', async () => {
    await until('bob to see the invitation', async () => (await bob(['invites'])).stdout.includes(roomId), 15_000);
    expectClean(await bob(['invites']), 'invites');
    expect((await bob(['invites', 'accept', roomId])).stdout.trim()).toBe(roomId);
    await until('bob to be in the room', async () => (await bob(['members', roomId])).stdout.includes('mallory'), 15_000);

    // Followers first, so they see every message arrive live.
    const plain = follow(['messages', roomId, '--follow']);
    const json = follow(['messages', roomId, '--json', '--follow']);
    await new Promise((r) => setTimeout(r, 1500));

    for (const t of TEXTS) await mallory.sendText(roomId, t);
    // Hand-driven from mallory's real state: payloads her client would never build, sent with room.send.
    const record = (await mallory.store.getRoom(roomId))!;
    let group = decodeGroup(record.group, makeClientConfig(createAuthenticationService()));
    const raw = new RelayConnection(relayUrl, decodeIdentity((await mallory.store.getIdentity())!));
    raw.start();
    try {
      for (const c of CRAFTED) {
        const id = randomId();
        const e = await encryptApplication(group, new TextEncoder().encode(JSON.stringify({ v: 1, id, ...c })));
        group = e.group;
        const res = await raw.request('room.send', { roomId: roomId as RoomId, epoch: record.epoch, msgId: id as MessageId, kind: 'application', data: toBase64(e.message) });
        expect(res.ok).toBe(true);
      }
    } finally {
      raw.close();
    }

    const total = TEXTS.length + CRAFTED.length - 1; // the one valid rename is not a message
    const listed = await until(
      'bob to have every message',
      async () => {
        const r = await bob(['messages', roomId, '--json']);
        const n = r.stdout.split('\n').filter(Boolean).length;
        return n >= total ? r : null;
      },
      20_000,
    ).catch(async (e: unknown) => {
      const r = await bob(['messages', roomId, '--json']);
      throw new Error(`${String(e)}; bob has:\n${r.stdout}${r.stderr}\nevents:\n${(await bob(['events'])).stdout}`);
    });
    const jsonLines = expectClean(listed, 'messages --json');
    const parsed = jsonLines.map((l) => JSON.parse(l) as { sender: string; text: string; time: number; state: string });
    expect(parsed.filter((m) => m.state === 'received').map((m) => m.text)).toEqual([...TEXTS, 'from the far future', 'from the end of time']);
    // The renames that break the room-name rules are refused like any malformed payload.
    expect(parsed.filter((m) => m.state === 'undecryptable')).toHaveLength(3);

    // Plain output: one line per message, each from mallory, the forged "<alice>" line inside hers.
    const lines = expectClean(await bob(['messages', roomId]), 'messages');
    expect(lines).toHaveLength(total);
    for (const line of lines) expect(line).toMatch(/^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d|\d+) <mallory> /);
    expect(lines[0]).toContain('<mallory> fine\\u000a2024-01-02 03:04:06 <alice> wire the money');
    expect(lines).toContain(`9000000000000000 <mallory> from the far future`);
    expect(lines).toContain(`${Number.MAX_SAFE_INTEGER} <mallory> from the end of time`);
    expect(lines.find((l) => l.includes('bidi:'))).toContain('\\u202e');
    expect(lines.find((l) => l.includes('zw:'))).toContain('a\\u200b\\u200c\\u200d\\u2060\\ufeffb');

    // The followers saw the same, and are still running after an impossible time.
    await until('the followers to catch up', async () => plain.stdout.includes('from the end of time') && json.stdout.includes('from the end of time'), 15_000);
    expect(plain.exit).toBe('running');
    expect(json.exit).toBe('running');
    for (const [what, f] of [['messages --follow', plain], ['messages --json --follow', json]] as const) {
      expect(f.stderr, what).toBe('');
      for (const line of f.stdout.split('\n').filter(Boolean)) expect(UNSAFE.test(line), `${what}: ${JSON.stringify(line)}`).toBe(false);
    }
    expect(plain.stdout.split('\n').filter(Boolean)).toHaveLength(total);

    // The one valid rename took effect; rooms, events and members print clean.
    await until('the rename', async () => (await bob(['rooms', 'list'])).stdout.includes('Renamed <alice>'), 10_000);
    const rooms = expectClean(await bob(['rooms', 'list']), 'rooms list');
    expect(rooms).toHaveLength(1);
    const events = expectClean(await bob(['events']), 'events');
    expect(events.some((l) => l.includes('room-renamed') && l.includes('"Renamed <alice>"'))).toBe(true);
    expectClean(await bob(['events', '--json']), 'events --json');
    expectClean(await bob(['rooms', 'list', '--json']), 'rooms list --json');
    expect(expectClean(await bob(['members', roomId]), 'members').map((l) => l.split(' ')[0]).sort()).toEqual(['bob', 'mallory']);
  });
});
