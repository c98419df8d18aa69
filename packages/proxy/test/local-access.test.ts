/**
 * Issue 8, "local access that cannot be borrowed", against a real relay and a real proxy: the CLI's
 * credential file and the data directory are private, a login code works once and expires, the session
 * cookie cannot be forged or carried to another proxy, the login exchange refuses cross-site requests,
 * and sessions survive a restart until the session key is deleted.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginLinkAnswer } from '@sealroom/protocol';
import { LOGIN_CODE_TTL_MS, SESSION_MAX_AGE_S, proxyAccessSchema, startProxy, type RunningProxy } from '@sealroom/proxy';
import { relayIn, tempDir, type Relay } from '../../../e2e/harness.js';
import { findLeaks } from '../../../e2e/security/leak-search.js';
import { ask, httpRaw, sioConnect } from './raw-clients.js';

const mode = (p: string) => statSync(p).mode & 0o777;
const codeOf = (link: string) => new URL(link).hash.replace(/^#code=/, '');

let tmp: ReturnType<typeof tempDir>;
let relay: Relay;
let webDir: string;
beforeAll(async () => {
  tmp = tempDir('proxy-access');
  relay = await relayIn(join(tmp.dir, 'relay'));
  webDir = join(tmp.dir, 'web');
  mkdirSync(webDir);
  writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>login-test-index</title>');
});
afterAll(async () => {
  await relay?.close();
  tmp?.cleanup();
});

/** A clock the test moves (login codes and cookies read it). */
function clock() {
  let t = Date.now();
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

async function proxyIn(dir: string, handle: string, extra: { port?: number; now?: () => number; logs?: string[] } = {}): Promise<RunningProxy> {
  return startProxy({
    port: extra.port ?? 0,
    serverUrl: relay.url,
    dataDir: join(tmp.dir, dir),
    handle,
    webDir,
    ...(extra.now ? { now: extra.now } : {}),
    log: (l) => extra.logs?.push(l),
  });
}

/** POST a code to the login endpoint the way the login page does (own Origin, JSON). */
function exchange(p: RunningProxy, code: string, headers: Record<string, string> = {}) {
  return httpRaw(p.port, {
    method: 'POST',
    path: '/api/session',
    headers: { origin: `http://127.0.0.1:${p.port}`, 'content-type': 'application/json', 'sec-fetch-site': 'same-origin', ...headers },
    body: JSON.stringify({ code }),
  });
}

function cookieOf(res: { headers: Record<string, unknown> }): string {
  const set = res.headers['set-cookie'] as string[] | undefined;
  if (!set || set.length !== 1) throw new Error(`expected one Set-Cookie, got ${JSON.stringify(set)}`);
  return set[0]!.split(';')[0]!;
}

/** The session's page key from the login answer (the page keeps it in localStorage and sends it as `auth.session`). */
function pageKeyOf(res: { body: string }): string {
  const key = (JSON.parse(res.body) as { pageKey?: unknown }).pageKey;
  if (typeof key !== 'string') throw new Error(`no page key in ${res.body}`);
  return key;
}

/** Log in with a fresh code: the cookie (name=value) and the page key, as the browser would hold them. */
async function login(p: RunningProxy, link = p.loginLink()): Promise<{ cookie: string; pageKey: string }> {
  const res = await exchange(p, codeOf(link));
  return { cookie: cookieOf(res), pageKey: pageKeyOf(res) };
}

async function whoamiWithCookie(p: RunningProxy, cookie: string, pageKey: string | null, origin = `http://127.0.0.1:${p.port}`): Promise<string> {
  const r = await sioConnect(p.port, { extraHeaders: { Cookie: cookie, Origin: origin }, ...(pageKey !== null ? { auth: { session: pageKey } } : {}) });
  if (!r.ok) return r.error;
  try {
    const who = (await ask(r.socket, 'whoami', {})) as { ok: boolean; me?: { handle: string } };
    return who.ok ? `ok:${who.me?.handle}` : 'refused';
  } finally {
    r.socket.close();
  }
}

describe('the credential file and the data directory', () => {
  it('are 0600 and 0700 even when the directory existed before as 0755; written whole; removed on a clean stop', async () => {
    const dir = join(tmp.dir, 'files');
    mkdirSync(dir, { mode: 0o755 });
    expect(mode(dir)).toBe(0o755); // the precondition the test is about
    const p = await proxyIn('files', 'filesuser');
    try {
      expect(mode(dir)).toBe(0o700);
      expect(mode(p.accessFile)).toBe(0o600);
      expect(mode(join(dir, 'session.key'))).toBe(0o600);
      expect(statSync(join(dir, 'session.key')).size).toBe(32);
      const access = proxyAccessSchema.parse(JSON.parse(readFileSync(p.accessFile, 'utf8')));
      expect(access).toEqual({ version: 1, url: `http://127.0.0.1:${p.port}`, credential: p.credential, pid: process.pid });
      expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
      // The printed link carries a login code, never the credential.
      expect(findLeaks(p.credential, { link: p.url })).toEqual([]);
    } finally {
      await p.close();
    }
    expect(() => statSync(p.accessFile)).toThrow(/ENOENT/);
  });

  it('a session key restored with loose permissions is tightened on start', async () => {
    const p1 = await proxyIn('loose', 'looseuser');
    await p1.close();
    const key = join(tmp.dir, 'loose', 'session.key');
    const { chmodSync } = await import('node:fs');
    chmodSync(key, 0o644);
    const p2 = await proxyIn('loose', 'looseuser');
    try {
      expect(mode(key)).toBe(0o600);
    } finally {
      await p2.close();
    }
  });
});

describe('one-time login codes', () => {
  const c = clock();
  let p: RunningProxy;
  const logs: string[] = [];
  beforeAll(async () => {
    p = await proxyIn('codes', 'codeuser', { now: c.now, logs });
  });
  afterAll(async () => {
    await p?.close();
  });

  it('the printed link is /login#code=… and is exchanged once for an HttpOnly, SameSite=Strict, Path=/ cookie', async () => {
    expect(loginLinkAnswer.safeParse({ url: p.url }).success).toBe(true);
    const first = await exchange(p, codeOf(p.url));
    expect(first.status).toBe(200);
    expect(JSON.parse(first.body)).toEqual({ ok: true, pageKey: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    expect(first.headers['cache-control']).toBe('no-store');
    const set = (first.headers['set-cookie'] as string[])[0]!;
    expect(set).toMatch(new RegExp(`^sealroom_session_${p.port}=v1\\.`));
    for (const attr of ['HttpOnly', 'SameSite=Strict', 'Path=/', `Max-Age=${SESSION_MAX_AGE_S}`]) expect(set).toContain(attr);
    expect(set).not.toMatch(/Domain=/i); // host-only
    expect(await whoamiWithCookie(p, cookieOf(first), pageKeyOf(first))).toBe('ok:codeuser');
  });

  it('a second exchange of the same code is refused with ERR_PROXY_LOGIN_CODE_USED and sets no cookie', async () => {
    const code = codeOf(p.loginLink());
    expect((await exchange(p, code)).status).toBe(200);
    const again = await exchange(p, code);
    expect(again.status).toBe(403);
    expect(JSON.parse(again.body)).toMatchObject({ ok: false, code: 'ERR_PROXY_LOGIN_CODE_USED', message: expect.stringContaining('sealroom open') });
    expect(again.headers['set-cookie']).toBeUndefined();
  });

  it('a code expires after its lifetime (ERR_PROXY_LOGIN_CODE_EXPIRED); just before, it works', async () => {
    const late = codeOf(p.loginLink());
    const inTime = codeOf(p.loginLink());
    c.advance(LOGIN_CODE_TTL_MS - 1000);
    expect((await exchange(p, inTime)).status).toBe(200);
    c.advance(1000);
    const r = await exchange(p, late);
    expect(r.status).toBe(403);
    expect(JSON.parse(r.body)).toMatchObject({ code: 'ERR_PROXY_LOGIN_CODE_EXPIRED' });
    expect(r.headers['set-cookie']).toBeUndefined();
  });

  it('an unknown or malformed code is refused with ERR_PROXY_BAD_LOGIN_CODE', async () => {
    for (const code of ['A'.repeat(22), 'short', '<script>', `${codeOf(p.loginLink())}x`]) {
      const r = await exchange(p, code);
      expect(r.status, code).toBeGreaterThanOrEqual(400);
      expect(JSON.parse(r.body), code).toMatchObject({ ok: false, code: 'ERR_PROXY_BAD_LOGIN_CODE' });
      expect(r.headers['set-cookie']).toBeUndefined();
    }
  });

  it('codes and cookies never appear in the proxy log', async () => {
    const link = p.loginLink();
    const { cookie, pageKey } = await login(p, link);
    expect(await whoamiWithCookie(p, cookie, pageKey)).toBe('ok:codeuser');
    const all = logs.join('\n');
    expect(findLeaks(codeOf(link), { log: all })).toEqual([]);
    expect(findLeaks(cookie.split('=')[1]!, { log: all })).toEqual([]);
    expect(findLeaks(pageKey, { log: all })).toEqual([]);
  });
});

describe('the login exchange refuses cross-site requests (and does not burn the code doing so)', () => {
  let p: RunningProxy;
  beforeAll(async () => {
    p = await proxyIn('csrf', 'csrfuser');
  });
  afterAll(async () => {
    await p?.close();
  });

  it('foreign Origin, form or text/plain bodies, cross-site Fetch Metadata, foreign Host, GET and preflights are refused', async () => {
    const code = codeOf(p.loginLink());
    const attempts: [string, Promise<{ status: number; headers: Record<string, unknown> }>][] = [
      ['evil origin', exchange(p, code, { origin: 'http://evil.test' })],
      ['null origin', exchange(p, code, { origin: 'null' })],
      ['other port', exchange(p, code, { origin: `http://127.0.0.1:${p.port + 1}` })],
      ['text/plain', exchange(p, code, { 'content-type': 'text/plain' })],
      ['form', exchange(p, code, { 'content-type': 'application/x-www-form-urlencoded' })],
      ['cross-site fetch', exchange(p, code, { 'sec-fetch-site': 'cross-site' })],
      ['same-site fetch', exchange(p, code, { 'sec-fetch-site': 'same-site' })],
      ['rebound host', exchange(p, code, { host: `attacker.test:${p.port}` })],
      ['GET', httpRaw(p.port, { path: `/api/session?code=${code}` })],
      [
        'preflight',
        httpRaw(p.port, {
          method: 'OPTIONS',
          path: '/api/session',
          headers: { origin: 'http://evil.test', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
        }),
      ],
    ];
    for (const [label, attempt] of attempts) {
      const r = await attempt;
      expect([403, 405, 415], label).toContain(r.status);
      expect(r.headers['set-cookie'], label).toBeUndefined();
      expect(Object.keys(r.headers).filter((h) => h.startsWith('access-control-')), label).toEqual([]);
    }
    // Every refusal came before the code was looked at: it still works, once.
    expect((await exchange(p, code)).status).toBe(200);
  });
});

describe('session cookies', () => {
  const c = clock();
  let p: RunningProxy;
  let other: RunningProxy;
  let cookie: string;
  let pageKey: string;
  beforeAll(async () => {
    p = await proxyIn('cookies', 'cookieuser', { now: c.now });
    other = await proxyIn('cookies-other', 'otheruser');
    ({ cookie, pageKey } = await login(p, p.url));
  });
  afterAll(async () => {
    await p?.close();
    await other?.close();
  });

  it('a forged, tampered or foreign cookie is refused with ERR_PROXY_BAD_SESSION; the real one works (control)', async () => {
    expect(await whoamiWithCookie(p, cookie, pageKey)).toBe('ok:cookieuser');
    const [name, value] = cookie.split('=') as [string, string];
    const [v, issued, id, mac] = value.split('.') as [string, string, string, string];
    const flip = (s: string) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
    // The other proxy's real cookie, presented under this proxy's name (cookies ignore ports: a browser sends both).
    const theirs = await login(other, other.url);
    const foreign = theirs.cookie.split('=')[1]!;
    const forged = [
      `${v}.${issued}.${id}.${flip(mac)}`,
      `${v}.${Number(issued) - 1}.${id}.${mac}`,
      `${v}.${issued}.${flip(id)}.${mac}`,
      `v2.${issued}.${id}.${mac}`,
      foreign,
      'x',
      `${value}x`,
    ];
    for (const f of forged) {
      expect(await whoamiWithCookie(p, `${name}=${f}`, pageKey), f).toBe('ERR_PROXY_BAD_SESSION');
      expect(await whoamiWithCookie(p, `${name}=${f}`, theirs.pageKey), f).toBe('ERR_PROXY_BAD_SESSION');
    }
    // Our own real cookie under another port's name is not ours.
    expect(await whoamiWithCookie(other, `sealroom_session_${other.port}=${value}`, pageKey)).toBe('ERR_PROXY_BAD_SESSION');
    expect(await whoamiWithCookie(p, 'unrelated=1', pageKey)).toBe('ERR_PROXY_BAD_TOKEN');
    // Alongside other cookies (the browser sends every 127.0.0.1 cookie), the valid one is found.
    expect(await whoamiWithCookie(p, `sealroom_session_${other.port}=${foreign}; ${cookie}; theme=dark`, pageKey)).toBe('ok:cookieuser');
  });

  it('the real cookie alone — what any server on another 127.0.0.1 port receives from the browser — is refused', async () => {
    expect(await whoamiWithCookie(p, cookie, null)).toBe('ERR_PROXY_BAD_SESSION');
    // With the page key of another session of this very proxy: bound to its own cookie only.
    const second = await login(p);
    expect(await whoamiWithCookie(p, cookie, second.pageKey)).toBe('ERR_PROXY_BAD_SESSION');
    expect(await whoamiWithCookie(p, second.cookie, pageKey)).toBe('ERR_PROXY_BAD_SESSION');
    for (const bad of ['', 'x'.repeat(43), `${pageKey}x`, pageKey.slice(1)]) expect(await whoamiWithCookie(p, cookie, bad), bad).toBe('ERR_PROXY_BAD_SESSION');
    // The page key without its cookie opens nothing either.
    expect(await whoamiWithCookie(p, 'theme=dark', pageKey)).toBe('ERR_PROXY_BAD_TOKEN');
    expect(await whoamiWithCookie(p, second.cookie, second.pageKey)).toBe('ok:cookieuser'); // control
  });

  it('a valid cookie from a foreign Origin is still refused (at the WebSocket handshake, before socket.io)', async () => {
    expect(['websocket error', 'ERR_PROXY_BAD_ORIGIN']).toContain(await whoamiWithCookie(p, cookie, pageKey, 'http://evil.test'));
  });

  it('a browser session cannot mint login links (only the CLI credential can)', async () => {
    const r = await sioConnect(p.port, { auth: { session: pageKey }, extraHeaders: { Cookie: cookie, Origin: `http://127.0.0.1:${p.port}` } });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    try {
      expect(await ask(r.socket, 'session.login-link', {})).toMatchObject({ ok: false, code: 'ERR_PROXY_BAD_TOKEN' });
    } finally {
      r.socket.close();
    }
    const cli = await sioConnect(p.port, { token: p.credential });
    expect(cli.ok).toBe(true);
    if (!cli.ok) return;
    try {
      const res = (await ask(cli.socket, 'session.login-link', {})) as { ok: boolean; url: string };
      expect(loginLinkAnswer.parse({ url: res.url }).url).toMatch(`http://127.0.0.1:${p.port}/login#code=`);
      expect((await exchange(p, codeOf(res.url))).status).toBe(200);
    } finally {
      cli.socket.close();
    }
  });

  it('a cookie older than its lifetime is refused', async () => {
    c.advance(SESSION_MAX_AGE_S * 1000 + 1000);
    expect(await whoamiWithCookie(p, cookie, pageKey)).toBe('ERR_PROXY_BAD_SESSION');
  });
});

describe('sessions across restarts', () => {
  it('a cookie keeps working after a restart on the same port and data directory; deleting session.key revokes it', async () => {
    const first = await proxyIn('restart', 'restartuser');
    const port = first.port;
    const { cookie, pageKey } = await login(first, first.url);
    const oldCredential = first.credential;
    const oldCode = codeOf(first.loginLink());
    await first.close();

    const second = await proxyIn('restart', 'restartuser', { port });
    try {
      expect(await whoamiWithCookie(second, cookie, pageKey)).toBe('ok:restartuser');
      expect(second.credential).not.toBe(oldCredential); // the CLI credential is per run
      // A link from before the restart is not carried over.
      expect(JSON.parse((await exchange(second, oldCode)).body)).toMatchObject({ code: 'ERR_PROXY_BAD_LOGIN_CODE' });
    } finally {
      await second.close();
    }

    rmSync(join(tmp.dir, 'restart', 'session.key'));
    const third = await proxyIn('restart', 'restartuser', { port });
    try {
      expect(await whoamiWithCookie(third, cookie, pageKey)).toBe('ERR_PROXY_BAD_SESSION');
      const fresh = await login(third, third.url);
      expect(await whoamiWithCookie(third, fresh.cookie, fresh.pageKey)).toBe('ok:restartuser'); // control
    } finally {
      await third.close();
    }
  });
});
