import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEALROOM_BIN, freePort, runSealroom, spawnSealroom, type Spawned } from '../processes.js';
import { findLeaks } from './leak-search.js';

/** NUL-separated argv of a running process, as any local user can read it (`ps`). */
const cmdline = (pid: number) => readFileSync(`/proc/${pid}/cmdline`);
const mode = (p: string) => statSync(p).mode & 0o777;
const NOBODY = 65534;

/**
 * Issue 8 (4): another local user cannot borrow the proxy. Real processes: the proxy, a long-running
 * `sealroom messages --follow`, and `sealroom open`; their argv (world-readable in /proc) carries no
 * credential or login code, and the access file sits 0600 in a 0700 directory.
 */
describe('local access cannot be borrowed from the process list or the data directory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sealroom-local-access-'));
  const aliceDir = join(dir, 'alice');
  const procs: Spawned[] = [];
  const children: ChildProcess[] = [];
  let proxy: Spawned;
  let printed = '';

  beforeAll(async () => {
    chmodSync(dir, 0o755); // the parent is world-traversable, like a home directory often is
    // The data directory existed already, made world-readable by hand.
    mkdirSync(aliceDir, { mode: 0o755 });
    chmodSync(aliceDir, 0o755);
    const sp = await freePort();
    procs.push(await spawnSealroom(['server', String(sp), '--data', join(dir, 'server')], /listening on (\S+)/));
    proxy = await spawnSealroom(['proxy', String(await freePort()), `http://127.0.0.1:${sp}`, '--data', aliceDir, '--handle', 'alice'], /Sealroom proxy for alice: (\S+)/);
    procs.push(proxy);
    printed = proxy.line[1]!;
  });
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await Promise.all(procs.map((p) => p.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  const access = () => JSON.parse(readFileSync(join(aliceDir, 'proxy-access.json'), 'utf8')) as { url: string; credential: string; pid: number };

  it('the access file is 0600 and the data directory 0700, although the directory existed as 0755', () => {
    expect(mode(aliceDir)).toBe(0o700);
    expect(mode(join(aliceDir, 'proxy-access.json'))).toBe(0o600);
    expect(mode(join(aliceDir, 'session.key'))).toBe(0o600);
    expect(access().pid).toBe(proxy.child.pid);
  });

  it('no credential or login code in /proc/PID/cmdline of the proxy or of a running `messages --follow`', async () => {
    const room = await runSealroom(['rooms', 'create', 'Cmdline', '--proxy', aliceDir]);
    expect(room.code).toBe(0);
    const roomId = room.stdout.trim();
    const follow = spawn(process.execPath, [SEALROOM_BIN, 'messages', roomId, '--follow', '--proxy', aliceDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(follow);
    const viaEnv = spawn(process.execPath, [SEALROOM_BIN, 'events', '--follow'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SEALROOM_PROXY: aliceDir } });
    children.push(viaEnv);
    // --follow is connected once `send` from elsewhere shows up in its output.
    let out = '';
    follow.stdout.on('data', (d: Buffer) => (out += d.toString()));
    expect((await runSealroom(['send', roomId, 'ping-cmdline', '--proxy', aliceDir])).code).toBe(0);
    for (let i = 0; i < 100 && !out.includes('ping-cmdline'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(out).toContain('ping-cmdline');
    expect(follow.exitCode).toBeNull();
    expect(viaEnv.exitCode).toBeNull();

    const fresh = await runSealroom(['open', '--proxy', aliceDir]);
    expect(fresh.code).toBe(0);
    const secrets = {
      credential: access().credential,
      'printed code': new URL(printed).hash.slice('#code='.length),
      'open code': new URL(fresh.stdout.trim()).hash.slice('#code='.length),
    };
    const lines = { proxy: cmdline(proxy.child.pid!), 'messages --follow': cmdline(follow.pid!), 'events --follow': cmdline(viaEnv.pid!) };
    // Positive control: the search reads real argv (it finds the data directory and the room id).
    expect(findLeaks(aliceDir, { proxy: lines.proxy }).length).toBeGreaterThan(0);
    expect(findLeaks(roomId, { follow: lines['messages --follow'] }).length).toBeGreaterThan(0);
    for (const [label, secret] of Object.entries(secrets)) expect(findLeaks(secret, lines), label).toEqual([]);
    // Nor in any other process on the machine.
    const all: Record<string, Buffer> = {};
    for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
      try {
        all[pid] = cmdline(Number(pid));
      } catch {
        // exited meanwhile
      }
    }
    for (const [label, secret] of Object.entries(secrets)) expect(findLeaks(secret, all), label).toEqual([]);
  });

  it('another local user can neither read the credential nor use the proxy through the CLI', async (t) => {
    if (process.getuid?.() !== 0) return t.skip(); // needs root to run a child as another uid
    const asNobody = (args: string[]) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const c = spawn(process.execPath, [SEALROOM_BIN, ...args], { uid: NOBODY, gid: NOBODY, stdio: ['ignore', 'pipe', 'pipe'], cwd: '/' });
        let stderr = '';
        c.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        c.once('exit', (code) => resolve({ code, stderr }));
      });
    const probe = await asNobody(['whoami', '--proxy', aliceDir]);
    // Control: the child did run (as nobody) and reached our code; it says what it could not do.
    expect(probe.code).toBe(1);
    expect(probe.stderr).toMatch(/^sealroom: ERR_CLI_PROXY_UNREACHABLE: cannot read .*proxy-access\.json/);
    const direct = await asNobody(['whoami', '--proxy', join(aliceDir, 'proxy-access.json')]);
    expect(direct.code).toBe(1);
    expect(direct.stderr).toMatch(/cannot read/);
  });
});
