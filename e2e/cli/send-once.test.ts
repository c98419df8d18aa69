import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEALROOM_BIN, freePort, runSealroom, spawnSealroom, type Spawned } from '../processes.js';

// issue 7, "Exactly-once for scripts": in 0.1 `sealroom send` during a relay outage exited 1 after 11 s with
// "proxy unreachable" although the message was queued and delivered later, so a script that retried on a
// non-zero exit sent it twice. Now: --id makes a resend the same message, exit 3 means "queued", --wait
// blocks until the relay accepted it.
describe('sealroom send --id / --wait and its exit codes, across a relay outage', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sealroom-send-once-'));
  const procs: Spawned[] = [];
  let relay: Spawned;
  let relayPort = 0;
  const alice = join(dir, 'alice');
  const bob = join(dir, 'bob');
  const as = (proxyDir: string, args: string[], timeoutMs?: number) => runSealroom([...args, '--proxy', proxyDir], timeoutMs);
  const ok = async (proxyDir: string, args: string[]) => {
    const r = await as(proxyDir, args);
    if (r.code !== 0) throw new Error(`sealroom ${args.join(' ')} → ${r.code}: ${r.stderr}`);
    return r.stdout.trim();
  };
  const startRelay = async () =>
    (relay = await spawnSealroom(['server', String(relayPort), '--data', join(dir, 'server')], /listening on (\S+)/));
  const texts = async (proxyDir: string, room: string) =>
    (await ok(proxyDir, ['messages', room, '--json'])).split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { text: string }).text);

  beforeAll(async () => {
    relayPort = await freePort();
    await startRelay();
    const url = `http://127.0.0.1:${relayPort}`;
    for (const h of ['alice', 'bob'])
      procs.push(await spawnSealroom(['proxy', String(await freePort()), url, '--data', join(dir, h), '--handle', h], new RegExp(`Sealroom proxy for ${h}: (\\S+)`)));
  });
  afterAll(async () => {
    await Promise.all([...procs, relay].map((p) => p?.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('a resend with the same --id is the same message, queued (exit 3) while the relay is down, and --wait returns once it is accepted', async () => {
    const room = await ok(alice, ['rooms', 'create', 'Jobs']);
    await ok(alice, ['rooms', 'invite', room, 'bob']);
    for (let i = 0; i < 100 && !(await ok(bob, ['invites', '--json'])).includes(room); i++) await new Promise((r) => setTimeout(r, 100));
    await ok(bob, ['invites', 'accept', room]);

    // Accepted: exit 0 and the id; the same --id again is the same message, not a second one.
    const first = await as(alice, ['send', room, 'build 41 passed', '--id', 'ci-41']);
    expect(first.code).toBe(0);
    const again = await as(alice, ['send', room, 'build 41 passed', '--id', 'ci-41']);
    expect(again).toMatchObject({ code: 0, stdout: first.stdout });
    // A different id is a different message.
    expect((await as(alice, ['send', room, 'build 41 passed', '--id', 'ci-41b'])).stdout).not.toBe(first.stdout);

    // The relay goes down: the message is queued in the proxy — exit 3, not "refused", not "unreachable".
    await relay.stop();
    const queued = await as(alice, ['send', room, 'build 42 passed', '--id', 'ci-42'], 40_000);
    expect(queued.code, queued.stderr).toBe(3);
    expect(queued.stderr).toMatch(/queued in the proxy/);
    const retry = await as(alice, ['send', room, 'build 42 passed', '--id', 'ci-42'], 40_000);
    expect(retry).toMatchObject({ code: 3, stdout: queued.stdout });

    // --wait --timeout gives up waiting (not the message): still queued, exit 3.
    const gaveUp = await as(alice, ['send', room, 'build 42 passed', '--id', 'ci-42', '--wait', '--timeout', '1'], 40_000);
    expect(gaveUp).toMatchObject({ code: 3, stdout: queued.stdout });

    // --wait blocks until the relay accepts it: start it, bring the relay back, and it exits 0.
    const waiting = spawn(process.execPath, [SEALROOM_BIN, 'send', room, 'build 42 passed', '--id', 'ci-42', '--wait', '--proxy', alice], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let waitOut = '';
    waiting.stdout.on('data', (d: Buffer) => (waitOut += d.toString()));
    const waited = new Promise<number | null>((r) => waiting.once('exit', (code) => r(code)));
    // It is still waiting while the relay is down (it has not exited on its own).
    const early = await Promise.race([waited, new Promise((r) => setTimeout(() => r('still waiting'), 1500))]);
    expect(early).toBe('still waiting');
    await startRelay();
    expect(await waited).toBe(0);
    expect(waitOut.trim()).toBe(queued.stdout.trim());

    // Exactly once, on both sides.
    const want = (l: string[]) => l.filter((t) => t.startsWith('build 4'));
    for (let i = 0; i < 100 && want(await texts(bob, room)).length < 3; i++) await new Promise((r) => setTimeout(r, 100));
    expect(want(await texts(bob, room))).toEqual(['build 41 passed', 'build 41 passed', 'build 42 passed']);
    expect(want(await texts(alice, room))).toEqual(['build 41 passed', 'build 41 passed', 'build 42 passed']);
  });

  it('refuses an --id that is not printable ASCII before anything connects (exit 2)', async () => {
    const r = await as(alice, ['send', '0'.repeat(32), 'x', '--id', 'has space']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/printable ASCII/);
    const t = await as(alice, ['send', '0'.repeat(32), 'x', '--timeout', '5']);
    expect(t.code).toBe(2);
    expect(t.stderr).toMatch(/with --wait/);
  });
});
