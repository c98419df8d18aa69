import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEALROOM_BIN, freePort, runSealroom, spawnSealroom, type Spawned } from '../processes.js';

// The scripting contract of issue #2, command by command, against real processes.
describe('sealroom scripting commands against running proxies', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sealroom-cli-'));
  const procs: Spawned[] = [];
  // Each proxy is named by its data directory: the CLI reads address and credential from the 0600 file there.
  let alice = '';
  let bob = '';
  let carol = '';
  const as = (proxyDir: string, args: string[]) => runSealroom([...args, '--proxy', proxyDir]);
  const ok = async (url: string, args: string[]) => {
    const r = await as(url, args);
    if (r.code !== 0) throw new Error(`sealroom ${args.join(' ')} → ${r.code}: ${r.stderr}`);
    return r.stdout.trim();
  };

  /** Ask again (up to ~10 s) until `done`; returns the last answer, which the caller then asserts on. */
  const poll = async <T>(get: () => Promise<T>, done: (v: T) => boolean): Promise<T> => {
    let v = await get();
    for (let i = 0; i < 100 && !done(v); i++) {
      await new Promise((r) => setTimeout(r, 100));
      v = await get();
    }
    return v;
  };
  type Invite = { roomId: string; name: string | null; invitedBy: string | null; members: { handle: string }[] };
  const invites = async (url: string) => JSON.parse(await ok(url, ['invites', '--json'])) as Invite[];
  /** The invitee sees the invitation (an invite is not a join), then accepts it. */
  const accept = async (url: string, room: string) => {
    const pending = await poll(() => invites(url), (l) => l.some((i) => i.roomId === room));
    expect(pending).toContainEqual(expect.objectContaining({ roomId: room, invitedBy: 'alice' }));
    expect(await ok(url, ['invites', 'accept', room])).toBe(room);
  };
  type Event = { id: number; kind: string; roomId: string | null; handle: string | null; text: string };
  const events = async (url: string) =>
    (await ok(url, ['events', '--json'])).split('\n').filter(Boolean).map((l) => JSON.parse(l) as Event);

  beforeAll(async () => {
    const sp = await freePort();
    procs.push(await spawnSealroom(['server', String(sp), '--data', join(dir, 'server')], /listening on (\S+)/));
    const url = `http://127.0.0.1:${sp}`;
    const start = async (h: string) => {
      const p = await spawnSealroom(['proxy', String(await freePort()), url, '--data', join(dir, h), '--handle', h], new RegExp(`Sealroom proxy for ${h}: (\\S+)`));
      procs.push(p);
      return join(dir, h);
    };
    [alice, bob, carol] = [await start('alice'), await start('bob'), await start('carol')];
  });
  afterAll(async () => {
    await Promise.all(procs.map((p) => p.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('whoami, rooms create/list/invite/join/leave, members, send, messages', async () => {
    expect(await ok(alice, ['whoami'])).toMatch(/^alice\s+[0-9a-f ]+\s+relay \S+ connected$/);
    const room = await ok(alice, ['rooms', 'create', 'Ops', '--open']);
    expect(room).toMatch(/^[0-9a-f]{32}$/);
    expect(JSON.parse(await ok(alice, ['rooms', 'list', '--json']))).toEqual([
      expect.objectContaining({ roomId: room, name: 'Ops', open: true, members: 1, status: 'active' }),
    ]);

    await ok(alice, ['rooms', 'invite', room, 'bob']);
    // bob's proxy holds the Welcome as an invitation: listed, not joined, until bob accepts it.
    const pending = await poll(() => invites(bob), (l) => l.some((i) => i.roomId === room));
    expect(pending).toEqual([expect.objectContaining({ roomId: room, name: 'Ops', invitedBy: 'alice' })]);
    expect(await ok(bob, ['invites'])).toMatch(new RegExp(`^${room}  open +\\d+ members  from alice  .+  Ops$`, 'm'));
    expect(JSON.parse(await ok(bob, ['rooms', 'list', '--json']))).not.toContainEqual(expect.objectContaining({ roomId: room }));
    expect(await ok(bob, ['invites', 'accept', room])).toBe(room);
    expect(await invites(bob)).toEqual([]);
    expect(JSON.parse(await ok(bob, ['rooms', 'list', '--json']))).toEqual([expect.objectContaining({ roomId: room, status: 'active' })]);
    expect(await ok(carol, ['rooms', 'join', room])).toBe(room);
    const members = JSON.parse(await ok(alice, ['members', room, '--json'])) as { handle: string; self: boolean }[];
    expect(members.map((m) => m.handle).sort()).toEqual(['alice', 'bob', 'carol']);
    expect(members.find((m) => m.self)?.handle).toBe('alice');

    const id = await ok(bob, ['send', room, 'deploy at 5']);
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    // `messages --json`: one JSON object per line with id, room, sender, text, time, state.
    const seen = async () =>
      (await ok(carol, ['messages', room, '--json'])).split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    let lines = await seen();
    for (let i = 0; i < 40 && !lines.some((l) => l['id'] === id); i++) {
      await new Promise((r) => setTimeout(r, 100));
      lines = await seen();
    }
    expect(lines.find((l) => l['id'] === id)).toMatchObject({ id, room, sender: 'bob', text: 'deploy at 5', state: 'received' });
    expect(await ok(carol, ['messages', room])).toMatch(/<bob> deploy at 5$/m);

    await ok(carol, ['rooms', 'leave', room]);
    expect(JSON.parse(await ok(carol, ['rooms', 'list', '--json']))).toEqual([expect.objectContaining({ roomId: room, status: 'left' })]);
  });

  it('messages --follow streams new messages as they arrive', async () => {
    const room = await ok(alice, ['rooms', 'create', 'Live']);
    await ok(alice, ['rooms', 'invite', room, 'bob']);
    await accept(bob, room);
    const follow = spawn(process.execPath, [SEALROOM_BIN, 'messages', room, '--json', '--follow', '--proxy', bob], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    follow.stdout.on('data', (d: Buffer) => (out += d.toString()));
    try {
      // Wait for bob's proxy to know the room (the Welcome) and for --follow to be listening.
      for (let i = 0; i < 50 && !(await as(bob, ['members', room])).stdout.includes('alice'); i++) await new Promise((r) => setTimeout(r, 100));
      await new Promise((r) => setTimeout(r, 1500));
      await ok(alice, ['send', room, 'first live']);
      await ok(alice, ['send', room, 'second live']);
      for (let i = 0; i < 50 && !out.includes('second live'); i++) await new Promise((r) => setTimeout(r, 100));
      const texts = out.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { text: string }).text);
      expect(texts).toEqual(['first live', 'second live']);
    } finally {
      follow.kill('SIGTERM');
    }
  });

  it('safety-number is the same 60 digits on both sides; verify checks them; contacts, members and events show it', async () => {
    const room = await ok(alice, ['rooms', 'create', 'Verify']);
    await ok(alice, ['rooms', 'invite', room, 'bob']);
    await accept(bob, room);

    type Safety = { handle: string; digits: string; groups: string[]; state: string };
    const mine = JSON.parse(await ok(alice, ['safety-number', 'bob', '--json'])) as Safety;
    const theirs = JSON.parse(await ok(bob, ['safety-number', 'alice', '--json'])) as Safety;
    expect(mine.digits).toMatch(/^[0-9]{60}$/);
    expect(theirs.digits).toBe(mine.digits);
    expect(mine.groups).toHaveLength(12);
    expect(mine.groups.join('')).toBe(mine.digits);
    expect(mine).toMatchObject({ handle: 'bob', state: 'new' });
    const shown = (await ok(alice, ['safety-number', 'bob'])).split('\n');
    expect(shown).toHaveLength(4);
    for (const line of shown.slice(0, 3)) expect(line).toMatch(/^\d{5} \d{5} \d{5} \d{5}$/);
    expect(shown.slice(0, 3).join('').replace(/ /g, '')).toBe(mine.digits);
    expect(shown[3]).toMatch(/^bob +new$/);

    // One digit off: the proxy refuses, and bob stays unverified.
    const last = Number(mine.digits.at(-1));
    const wrong = await as(alice, ['verify', 'bob', '--number', `${mine.digits.slice(0, 59)}${(last + 1) % 10}`]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^sealroom: ERR_PROXY_SAFETY_NUMBER_MISMATCH: .+\n$/);
    type ContactJson = { handle: string; state: string; verifiedAt: number | null };
    const contacts = async () => JSON.parse(await ok(alice, ['contacts', '--json'])) as ContactJson[];
    expect(await contacts()).toContainEqual(expect.objectContaining({ handle: 'bob', state: 'new', verifiedAt: null }));

    // The digits as shown (groups separated by spaces) are accepted.
    expect(await ok(alice, ['verify', 'bob', '--number', shown.slice(0, 3).join(' ')])).toMatch(/^bob +✓ verified /);
    expect(await contacts()).toContainEqual(expect.objectContaining({ handle: 'bob', state: 'verified', verifiedAt: expect.any(Number) }));
    expect(await ok(alice, ['contacts'])).toMatch(/^bob +✓ verified +[0-9a-f ]+ +first seen \d{4}-\d\d-\d\d \d\d:\d\d:\d\d +verified /m);
    expect(await ok(alice, ['members', room])).toMatch(/^bob +✓ verified +[0-9a-f ]+$/m);
    expect(await ok(alice, ['members', room])).toMatch(/^alice +\(you\)/m);
    expect(JSON.parse(await ok(alice, ['safety-number', 'bob', '--json']))).toMatchObject({ digits: mine.digits, state: 'verified' });

    // Security events: alice verified bob; bob received the invitation.
    expect(await events(alice)).toContainEqual(expect.objectContaining({ kind: 'contact-verified', handle: 'bob' }));
    expect(await events(bob)).toContainEqual(expect.objectContaining({ kind: 'invitation-received', roomId: room }));
    expect(await ok(alice, ['events'])).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +contact-verified +\S+ +bob +.+$/m);
  });

  it('invites decline: the invitation is gone and cannot be accepted afterwards', async () => {
    const room = await ok(alice, ['rooms', 'create', 'Declined']);
    await ok(alice, ['rooms', 'invite', room, 'carol']);
    const pending = await poll(() => invites(carol), (l) => l.some((i) => i.roomId === room));
    expect(pending).toContainEqual(expect.objectContaining({ roomId: room, invitedBy: 'alice' }));
    expect(await ok(carol, ['invites', 'decline', room])).toBe('');
    expect(await invites(carol)).not.toContainEqual(expect.objectContaining({ roomId: room }));
    const late = await as(carol, ['invites', 'accept', room]);
    expect(late.code).toBe(1);
    expect(late.stderr).toMatch(/^sealroom: ERR_PROXY_UNKNOWN_INVITATION: .+\n$/);
    expect(JSON.parse(await ok(carol, ['rooms', 'list', '--json']))).not.toContainEqual(expect.objectContaining({ roomId: room, status: 'active' }));
  });

  it('events --follow lists, then streams new security events, each once', async () => {
    const first = await ok(alice, ['rooms', 'create', 'Events one']);
    await ok(alice, ['rooms', 'invite', first, 'carol']);
    await poll(() => events(carol), (l) => l.some((e) => e.kind === 'invitation-received' && e.roomId === first));
    const follow = spawn(process.execPath, [SEALROOM_BIN, 'events', '--json', '--follow', '--proxy', carol], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    follow.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const streamed = () => out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Event);
    const has = (room: string) => streamed().some((e) => e.kind === 'invitation-received' && e.roomId === room);
    try {
      // The listed part is printed after the subscription, so once it is out, the stream is live.
      for (let i = 0; i < 100 && !has(first); i++) await new Promise((r) => setTimeout(r, 100));
      expect(has(first)).toBe(true);
      const second = await ok(alice, ['rooms', 'create', 'Events two']);
      await ok(alice, ['rooms', 'invite', second, 'carol']);
      for (let i = 0; i < 100 && !has(second); i++) await new Promise((r) => setTimeout(r, 100));
      expect(has(second)).toBe(true);
      const ids = streamed().map((e) => e.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    } finally {
      follow.kill('SIGTERM');
    }
  });

  it('open prints a fresh one-time login link on the proxy\'s address, different each time', async () => {
    const a = await ok(alice, ['open']);
    const b = await ok(alice, ['open']);
    const origin = String((JSON.parse(readFileSync(join(alice, 'proxy-access.json'), 'utf8')) as { url: string }).url);
    expect(a).toMatch(new RegExp(`^${origin.replace(/\./g, '\\.')}/login#code=[A-Za-z0-9_-]{22}$`));
    expect(b).not.toBe(a);
  });

  it('errors: one line naming the problem, non-zero exit', async () => {
    const unknown = await as(alice, ['send', 'f'.repeat(32), 'x']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe(`sealroom: ERR_PROXY_UNKNOWN_ROOM: unknown room ${'f'.repeat(32)}\n`);
    // An access file with a wrong (e.g. a previous run's) credential.
    const stale = join(dir, 'stale-access.json');
    const access = JSON.parse(readFileSync(join(alice, 'proxy-access.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(stale, JSON.stringify({ ...access, credential: '0'.repeat(64) }), { mode: 0o600 });
    const badToken = await runSealroom(['whoami', '--proxy', stale]);
    expect(badToken.code).toBe(1);
    expect(badToken.stderr).toMatch(/^sealroom: ERR_PROXY_BAD_TOKEN: .+\n$/);
    // The old way, a URL with the token in argv, is refused before anything connects, saying why.
    const url = `${String(access['url'])}/#token=${String(access['credential'])}`;
    const inArgv = await runSealroom(['whoami', '--proxy', url]);
    expect(inArgv.code).toBe(2);
    expect(inArgv.stderr).toMatch(/^sealroom: ERR_CLI_USAGE: .*data directory.*process list.*\n$/);
    const room = await ok(alice, ['rooms', 'create', 'Closed']);
    const notMember = await as(bob, ['send', room, 'hi']);
    expect(notMember.code).toBe(1);
    expect(notMember.stderr).toMatch(/^sealroom: ERR_PROXY_UNKNOWN_ROOM: .+\n$/);
    const closed = await as(carol, ['rooms', 'join', room]);
    expect(closed.code).toBe(1);
    expect(closed.stderr).toMatch(/^sealroom: ERR_RELAY_ROOM_CLOSED: .+\n$/);
    const usage = await as(alice, ['send', room]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^sealroom: ERR_CLI_USAGE: usage: sealroom send ROOM_ID TEXT \[--id ID\] \[--wait\]\n$/);
  });
});
