import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEALROOM_BIN, freePort, runSealroom, spawnSealroom, type Spawned } from '../processes.js';

// The scripting contract of issue #2, command by command, against real processes.
describe('sealroom scripting commands against running proxies', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sealroom-cli-'));
  const procs: Spawned[] = [];
  let alice = '';
  let bob = '';
  let carol = '';
  const as = (url: string, args: string[]) => runSealroom([...args, '--proxy', url]);
  const ok = async (url: string, args: string[]) => {
    const r = await as(url, args);
    if (r.code !== 0) throw new Error(`sealroom ${args.join(' ')} → ${r.code}: ${r.stderr}`);
    return r.stdout.trim();
  };

  beforeAll(async () => {
    const sp = await freePort();
    procs.push(await spawnSealroom(['server', String(sp), '--data', join(dir, 'server')], /listening on (\S+)/));
    const url = `http://127.0.0.1:${sp}`;
    const start = async (h: string) => {
      const p = await spawnSealroom(['proxy', String(await freePort()), url, '--data', join(dir, h), '--handle', h], new RegExp(`Sealroom proxy for ${h}: (\\S+)`));
      procs.push(p);
      return p.line[1]!;
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

  it('errors: one line naming the problem, non-zero exit', async () => {
    const unknown = await as(alice, ['send', 'f'.repeat(32), 'x']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe(`sealroom: ERR_PROXY_UNKNOWN_ROOM: unknown room ${'f'.repeat(32)}\n`);
    const badToken = await runSealroom(['whoami', '--proxy', alice.replace(/token=\w+/, 'token=' + '0'.repeat(64))]);
    expect(badToken.code).toBe(1);
    expect(badToken.stderr).toMatch(/^sealroom: ERR_PROXY_BAD_TOKEN: .+\n$/);
    const room = await ok(alice, ['rooms', 'create', 'Closed']);
    const notMember = await as(bob, ['send', room, 'hi']);
    expect(notMember.code).toBe(1);
    expect(notMember.stderr).toMatch(/^sealroom: ERR_PROXY_UNKNOWN_ROOM: .+\n$/);
    const closed = await as(carol, ['rooms', 'join', room]);
    expect(closed.code).toBe(1);
    expect(closed.stderr).toMatch(/^sealroom: ERR_RELAY_ROOM_CLOSED: .+\n$/);
    const usage = await as(alice, ['send', room]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^sealroom: ERR_CLI_USAGE: usage: sealroom send ROOM_ID TEXT\n$/);
  });
});
