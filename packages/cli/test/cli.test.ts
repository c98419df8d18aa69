import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { escapeControls, formatMessage } from '../src/format.js';
import { checkProxyTarget, resolveProxy } from '../src/local-api-client.js';
import { main } from '../src/main.js';

const tmp = mkdtempSync(join(tmpdir(), 'sealroom-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const CRED = 'ab'.repeat(32);

/** A data directory holding an access file with `content` (an object is written as JSON). */
function dataDir(name: string, content: unknown): string {
  const dir = join(tmp, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'proxy-access.json'), typeof content === 'string' ? content : JSON.stringify(content), { mode: 0o600 });
  return dir;
}

describe('cli helpers', () => {
  it('--proxy names a data directory: a URL (above all one with #token=) is refused as a usage error that says why', () => {
    for (const bad of ['http://127.0.0.1:3003/#token=abc', 'http://127.0.0.1:3003', 'HTTPS://x', '.sealroom/x#token=1']) {
      let err: unknown;
      try {
        checkProxyTarget(bad);
      } catch (e) {
        err = e;
      }
      expect(err, bad).toMatchObject({ code: 'ERR_CLI_USAGE' });
      expect((err as Error).message).toMatch(/data directory.*process list/s);
    }
    expect(checkProxyTarget('.sealroom/proxy-3003')).toBe('.sealroom/proxy-3003'); // control
  });

  it('reads the address and credential from the access file, given the directory or the file', () => {
    const dir = dataDir('good', { version: 1, url: 'http://127.0.0.1:3003', credential: CRED, pid: 42 });
    expect(resolveProxy(dir)).toEqual({ origin: 'http://127.0.0.1:3003', credential: CRED });
    expect(resolveProxy(join(dir, 'proxy-access.json'))).toEqual({ origin: 'http://127.0.0.1:3003', credential: CRED });
  });

  it('refuses a missing, malformed or non-loopback access file with one line naming the file', () => {
    expect(() => resolveProxy(join(tmp, 'nothing-here'))).toThrow(/no running proxy found: .*nothing-here/);
    const cases: [string, unknown][] = [
      ['junk', 'not json'],
      ['evil-host', { version: 1, url: 'http://evil.test:3003', credential: CRED, pid: 1 }],
      ['short-cred', { version: 1, url: 'http://127.0.0.1:3003', credential: 'ab', pid: 1 }],
      ['extra', { version: 1, url: 'http://127.0.0.1:3003', credential: CRED, pid: 1, token: 'x' }],
    ];
    for (const [name, content] of cases) {
      const dir = dataDir(name, content);
      expect(() => resolveProxy(dir), name).toThrow(/is not a proxy access file/);
    }
  });

  it('an access file another user owns or others may write is not trusted (it could name a fake proxy)', () => {
    const writable = dataDir('writable', { version: 1, url: 'http://127.0.0.1:3003', credential: CRED, pid: 1 });
    chmodSync(join(writable, 'proxy-access.json'), 0o622);
    expect(() => resolveProxy(writable)).toThrow(/writable by others: not trusted/);
    chmodSync(join(writable, 'proxy-access.json'), 0o600);
    expect(resolveProxy(writable).credential).toBe(CRED); // control
    if (process.getuid?.() === 0) {
      chownSync(join(writable, 'proxy-access.json'), 65534, 65534);
      expect(() => resolveProxy(writable)).toThrow(/owned by another user/);
    }
  });

  it('an access file the user cannot read is named as such (not "no proxy")', (t) => {
    if (process.getuid?.() === 0) return t.skip(); // root reads anything
    const dir = dataDir('locked', { version: 1, url: 'http://127.0.0.1:3003', credential: CRED, pid: 1 });
    chmodSync(join(dir, 'proxy-access.json'), 0o000);
    expect(() => resolveProxy(dir)).toThrow(/cannot read/);
  });

  it('escapes terminal control characters and bidi overrides in message text', () => {
    expect(escapeControls('hi\u001b[2Jthere\u202e')).toBe('hi\\u001b[2Jthere\\u202e');
    const line = formatMessage({ id: 'x', roomId: 'r', sender: 'bob', text: 'a\u0007b', time: 0, seq: 1, state: 'received', own: false });
    expect(line).toContain('<bob> a\\u0007b');
    expect(line).not.toContain('\u0007');
  });
});

describe('cli errors', () => {
  async function run(args: string[], env: Record<string, string | undefined> = {}) {
    const err: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (err.push(String(s)), true));
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const saved = { ...process.env };
    Object.assign(process.env, env);
    for (const [k, v] of Object.entries(env)) if (v === undefined) delete process.env[k];
    try {
      return { code: await main(args), err: err.join('') };
    } finally {
      process.env = saved;
      spy.mockRestore();
      out.mockRestore();
    }
  }

  it('names the problem in one line and exits non-zero', async () => {
    expect(await run(['frobnicate'])).toMatchObject({ code: 2, err: expect.stringContaining('unknown command') });
    const url = await run(['whoami', '--proxy', 'http://127.0.0.1:9/#token=x']);
    expect(url).toMatchObject({ code: 2, err: expect.stringMatching(/^sealroom: ERR_CLI_USAGE: --proxy.*process list.*\n$/) });
    expect(await run(['whoami'], { SEALROOM_PROXY: 'http://127.0.0.1:9/#token=x' })).toMatchObject({ code: 2 });
    const missing = await run(['whoami', '--proxy', join(tmp, 'nothing-here')]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^sealroom: ERR_CLI_PROXY_UNREACHABLE: no running proxy found: .*nothing-here.*\n$/);
    // A proxy that wrote its file and went away (killed): the address answers nothing.
    const gone = dataDir('gone', { version: 1, url: 'http://127.0.0.1:9', credential: CRED, pid: 1 });
    const unreachable = await run(['whoami', '--proxy', gone]);
    expect(unreachable.code).toBe(1);
    expect(unreachable.err).toMatch(/^sealroom: ERR_CLI_PROXY_UNREACHABLE: proxy unreachable at http:\/\/127\.0\.0\.1:9\n$/);
    expect(await run(['server', '99999'])).toMatchObject({ code: 2, err: expect.stringContaining('not a port') });
  });

  it('without --proxy or SEALROOM_PROXY, looks in the default data directory .sealroom/proxy-3003', async (t) => {
    if (existsSync('.sealroom/proxy-3003/proxy-access.json')) return t.skip(); // a real proxy runs here
    const r = await run(['whoami'], { SEALROOM_PROXY: undefined });
    expect(r.code).toBe(1);
    expect(r.err).toContain('.sealroom/proxy-3003');
  });
});
