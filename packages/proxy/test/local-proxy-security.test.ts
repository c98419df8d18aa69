/**
 * security.md (d) D1–D9 and (e) E3 against a real relay and a real proxy: the local proxy must be safe
 * to run while the user browses hostile sites (threat 3).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect as netConnect, createServer as netCreateServer } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBase64 } from '@sealroom/protocol';
import { startProxy, type RunningProxy } from '@sealroom/proxy';
import { relayIn, tempDir, until, type Relay } from '../../../e2e/harness.js';
import { describeLeaks, findLeaks } from '../../../e2e/security/leak-search.js';
import { ask, httpRaw, rawSocketIo, rawStatusLine, sidUpgrade, sioConnect } from './raw-clients.js';

const INDEX_MARK = 'sealroom-test-index-page';
const SECRET_OUTSIDE = 'SECRET-OUTSIDE-WEBROOT-do-not-serve';

type Ctx = { tmp: ReturnType<typeof tempDir>; relay: Relay; proxy: RunningProxy; logs: string[]; webDir: string; origin: string };

/** A real relay and a real proxy onboarded as `handle`, serving a tiny web root with secrets around it. */
function setup(handle: string): { get: () => Ctx } {
  let ctx: Ctx | null = null;
  beforeAll(async () => {
    const tmp = tempDir(`proxy-sec-${handle}`);
    const outer = join(tmp.dir, 'outer');
    const webDir = join(outer, 'web');
    mkdirSync(join(webDir, 'assets'), { recursive: true });
    writeFileSync(join(webDir, 'index.html'), `<!doctype html><title>${INDEX_MARK}</title><script src="/assets/app.js"></script>`);
    writeFileSync(join(webDir, 'assets', 'app.js'), 'console.log("app");');
    // Files a traversal would reach: next to, above and beside (prefix collision) the web root.
    writeFileSync(join(outer, 'package.json'), JSON.stringify({ secret: SECRET_OUTSIDE }));
    writeFileSync(join(tmp.dir, 'package.json'), JSON.stringify({ secret: SECRET_OUTSIDE }));
    mkdirSync(join(outer, 'web-evil'));
    writeFileSync(join(outer, 'web-evil', 'secret.txt'), SECRET_OUTSIDE);
    const relay = await relayIn(join(tmp.dir, 'relay'));
    const logs: string[] = [];
    const proxy = await startProxy({ port: 0, serverUrl: relay.url, dataDir: join(tmp.dir, handle), handle, webDir, log: (l) => logs.push(l) });
    await proxy.client.waitConnected();
    ctx = { tmp, relay, proxy, logs, webDir, origin: `http://127.0.0.1:${proxy.port}` };
  });
  afterAll(async () => {
    if (!ctx) return;
    await ctx.proxy.close().catch(() => {});
    await ctx.relay.close().catch(() => {});
    ctx.tmp.cleanup();
  });
  return {
    get: () => {
      if (!ctx) throw new Error('setup failed');
      return ctx;
    },
  };
}

function tcpConnect(host: string, port: number): Promise<'connected' | string> {
  return new Promise((resolve) => {
    const s = netConnect({ host, port });
    s.setTimeout(2000, () => {
      s.destroy();
      resolve('ETIMEDOUT');
    });
    s.once('connect', () => {
      s.destroy();
      resolve('connected');
    });
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

function ipv6LoopbackAvailable(): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = netCreateServer();
    srv.once('error', () => resolve(false));
    srv.listen(0, '::1', () => srv.close(() => resolve(true)));
  });
}

describe('D1 loopback only', () => {
  const s = setup('d1user');

  it('binds 127.0.0.1 and answers there (positive control)', async () => {
    const { proxy } = s.get();
    expect(proxy.address).toBe('127.0.0.1');
    expect(proxy.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${proxy.port}/login#code=[A-Za-z0-9_-]{22}$`));
    expect(await tcpConnect('127.0.0.1', proxy.port)).toBe('connected');
  });

  it('is not reachable on ::1', async (t) => {
    if (!(await ipv6LoopbackAvailable())) return t.skip();
    const res = await tcpConnect('::1', s.get().proxy.port);
    expect(res).not.toBe('connected');
  });

  it('is not reachable on any non-loopback interface address', async (t) => {
    const addrs = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a !== undefined && !a.internal && a.family === 'IPv4')
      .map((a) => a!.address);
    if (addrs.length === 0) return t.skip();
    for (const a of addrs) expect(await tcpConnect(a, s.get().proxy.port), a).not.toBe('connected');
  });
});

describe('D2 Origin / D3 Host / D4 token on the local API handshake', () => {
  const s = setup('d2user');

  it('positive control: right Origin + right token over a raw WebSocket → connects and whoami answers', async () => {
    const { proxy, origin } = s.get();
    const r = await rawSocketIo(proxy.port, { origin, auth: { token: proxy.credential } });
    expect(r.kind).toBe('connected');
    if (r.kind !== 'connected') return;
    const res = (await r.conn.call('whoami', {})) as { ok: boolean; me?: { handle: string } };
    expect(res.ok).toBe(true);
    expect(res.me?.handle).toBe('d2user');
    r.conn.close();
    for (const o of [`http://localhost:${proxy.port}`, `http://[::1]:${proxy.port}`]) {
      const r2 = await rawSocketIo(proxy.port, { origin: o, auth: { token: proxy.credential } });
      expect(r2.kind, o).toBe('connected');
      if (r2.kind !== 'refused') r2.conn.close();
    }
  });

  it('positive control: socket.io-client without Origin (CLI) and the right token → connects', async () => {
    const r = await sioConnect(s.get().proxy.port, { token: s.get().proxy.credential });
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(await ask(r.socket, 'whoami', {})).toMatchObject({ ok: true });
      r.socket.close();
    }
  });

  for (const badOrigin of ['http://evil.test', 'null', 'https://127.0.0.1', 'http://127.0.0.1.evil.test']) {
    it(`D2: Origin ${badOrigin} on the WebSocket handshake is refused before any event, even with the right token`, async () => {
      const { proxy } = s.get();
      const r = await rawSocketIo(proxy.port, { origin: badOrigin, auth: { token: proxy.credential } });
      if (r.kind === 'refused') {
        expect(r.status === null || r.status === 400 || r.status === 403).toBe(true);
        return;
      }
      // If the upgrade went through, socket.io must refuse the namespace and answer nothing.
      expect(r.kind).toBe('connect_error');
      const answer = await r.conn.call('whoami', {}, 500);
      expect(answer).toBe('timeout');
      expect(r.conn.frames.some((f) => f.startsWith('43'))).toBe(false);
      r.conn.close();
    });
  }

  it('D2: the same through socket.io-client with a forged Origin → connect_error, no session', async () => {
    const { proxy } = s.get();
    const r = await sioConnect(proxy.port, { token: proxy.credential, extraHeaders: { Origin: 'http://evil.test' } });
    expect(r.ok).toBe(false);
    const good = await sioConnect(proxy.port, { token: proxy.credential, extraHeaders: { Origin: s.get().origin } });
    expect(good.ok).toBe(true); // positive control
    if (good.ok) good.socket.close();
  });

  it('D2: a repeated Origin header (one good, one evil) is refused', async () => {
    const { proxy, origin } = s.get();
    // Node's http client joins repeated headers given as an array into separate header lines.
    const res = await new Promise<number | null>((resolve) => {
      void import('node:http').then(({ request }) => {
        const req = request({
          host: '127.0.0.1',
          port: proxy.port,
          path: '/socket.io/?EIO=4&transport=websocket',
          headers: {
            Host: `127.0.0.1:${proxy.port}`,
            Connection: 'Upgrade',
            Upgrade: 'websocket',
            'Sec-WebSocket-Version': '13',
            'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
            Origin: [origin, 'http://evil.test'],
          },
        });
        req.on('upgrade', (_res, sock) => {
          sock.destroy();
          resolve(101);
        });
        req.on('response', (r) => {
          r.resume();
          resolve(r.statusCode ?? null);
        });
        req.on('error', () => resolve(null));
        req.end();
      });
    });
    expect(res).not.toBe(101);
  });

  it('D2: the polling transport is refused for foreign and own origins alike (no session id handed out)', async () => {
    const { proxy, origin } = s.get();
    for (const headers of [{ origin: 'http://evil.test' }, { origin: 'null' }, { origin }, {} as Record<string, string>]) {
      const r = await httpRaw(proxy.port, { path: '/socket.io/?EIO=4&transport=polling', headers });
      expect(r.status, JSON.stringify(headers)).not.toBe(200);
      expect(r.status).toBeGreaterThanOrEqual(400);
      expect(r.body).not.toContain('"sid"');
      const p = await httpRaw(proxy.port, {
        method: 'POST',
        path: '/socket.io/?EIO=4&transport=polling',
        headers: { ...headers, 'content-type': 'text/plain;charset=UTF-8' },
        body: `40${JSON.stringify({ token: proxy.credential })}`,
      });
      expect(p.status).toBeGreaterThanOrEqual(400);
      expect(p.body).not.toContain('"sid"');
    }
  });

  it('D3: a foreign Host on GET / → 403; own hosts → 200 (positive control)', async () => {
    const { proxy } = s.get();
    for (const host of [`attacker.test:${proxy.port}`, `attacker.test`, `127.0.0.1`, `127.0.0.1:${proxy.port + 1}`, `localhost.:${proxy.port}`]) {
      const r = await httpRaw(proxy.port, { headers: { host } });
      expect(r.status, host).toBe(403);
      expect(r.body).not.toContain(INDEX_MARK);
    }
    for (const host of [`127.0.0.1:${proxy.port}`, `localhost:${proxy.port}`, `[::1]:${proxy.port}`]) {
      const r = await httpRaw(proxy.port, { headers: { host } });
      expect(r.status, host).toBe(200);
      expect(r.body).toContain(INDEX_MARK);
    }
  });

  it('D3: a foreign Host on the WebSocket handshake is refused (DNS rebinding), same-origin from the rebound name too', async () => {
    const { proxy } = s.get();
    const host = `attacker.test:${proxy.port}`;
    for (const origin of [`http://${host}`, undefined]) {
      const r = await rawSocketIo(proxy.port, { host, ...(origin ? { origin } : {}), auth: { token: proxy.credential } });
      if (r.kind === 'refused') continue;
      expect(r.kind).toBe('connect_error');
      expect(await r.conn.call('whoami', {}, 500)).toBe('timeout');
      r.conn.close();
    }
    const sio = await sioConnect(proxy.port, { token: proxy.credential, extraHeaders: { Host: host } });
    expect(sio.ok).toBe(false);
  });

  it('D2/D3 control: a transport "upgrade" with an unknown sid is refused', async () => {
    const { proxy } = s.get();
    const r = await sidUpgrade(proxy.port, 'AAAAAAAAAAAAAAAAAAAA', { Origin: 'http://evil.test' });
    expect(r.frames.filter((f) => f.startsWith('43'))).toEqual([]);
  });

  // engine.io skips allowRequest for requests carrying a sid; start-proxy.ts refuses any sid in an engine
  // middleware, so a foreign page cannot attach its WebSocket to a logged-in session.
  it('D2/D3: an existing session cannot be taken over by a sid "upgrade" from a foreign Origin/Host without a token', async () => {
    const { proxy, origin } = s.get();
    const victim = await rawSocketIo(proxy.port, { origin, auth: { token: proxy.credential } });
    expect(victim.kind).toBe('connected');
    if (victim.kind !== 'connected') return;
    try {
      expect(await victim.conn.call('whoami', {})).toMatchObject({ ok: true }); // control
      const sid = (JSON.parse(victim.conn.frames[0]!.slice(1)) as { sid: string }).sid;
      const attack = await sidUpgrade(proxy.port, sid, { Origin: 'http://evil.test', Host: `attacker.test:${proxy.port}` });
      expect(attack.frames.filter((f) => f.startsWith('43')), 'local-API answers delivered to the attacker').toEqual([]);
      expect(attack.frames, 'the probe was answered').not.toContain('3probe');
    } finally {
      victim.conn.close();
    }
  });

  const badTokens: [string, unknown][] = [
    ['no auth at all', undefined],
    ['empty auth object', {}],
    ['empty token', { token: '' }],
    ['wrong token', { token: 'f'.repeat(64) }],
    ['token as number', { token: 12345 }],
    ['token as array', { token: ['x'] }],
    ['token as object', { token: { toString: 'x' } }],
    ['huge token', { token: 'a'.repeat(100_000) }],
  ];
  for (const [label, auth] of badTokens) {
    it(`D4: ${label} → connect_error ERR_PROXY_BAD_TOKEN, and no event is answered on that connection`, async () => {
      const { proxy, origin } = s.get();
      const r = await rawSocketIo(proxy.port, { origin, auth });
      expect(r.kind).toBe('connect_error');
      if (r.kind !== 'connect_error') return;
      expect(r.message).toBe('ERR_PROXY_BAD_TOKEN');
      expect(await r.conn.call('whoami', {}, 500)).toBe('timeout');
      expect(await r.conn.call('rooms.list', {}, 300)).toBe('timeout');
      expect(r.conn.frames.some((f) => f.startsWith('43'))).toBe(false);
      r.conn.close();
    });
  }

  it('D4: prefix / suffix / case variants of the real token are refused; the token itself works (control)', async () => {
    const { proxy } = s.get();
    const t = proxy.credential;
    for (const bad of [t.slice(0, -1), `${t}0`, t.toUpperCase() === t ? t.toLowerCase() : t.toUpperCase(), ` ${t}`]) {
      const r = await sioConnect(proxy.port, { token: bad });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toBe('ERR_PROXY_BAD_TOKEN');
    }
    const good = await sioConnect(proxy.port, { token: t });
    expect(good.ok).toBe(true);
    if (good.ok) good.socket.close();
  });

  it('D4: pushed events (message, room, status) never reach a connection that failed the token check', async () => {
    const { proxy, origin } = s.get();
    const spy = await rawSocketIo(proxy.port, { origin, auth: { token: 'not-the-token' } });
    expect(spy.kind).toBe('connect_error');
    if (spy.kind !== 'connect_error') return;
    const good = await rawSocketIo(proxy.port, { origin, auth: { token: proxy.credential } });
    expect(good.kind).toBe('connected');
    if (good.kind !== 'connected') return;
    const secret = `PUSHED-${randomBytes(6).toString('hex')}`;
    const created = (await good.conn.call('rooms.create', { name: `push ${secret}`, open: false }, 10_000)) as { ok: boolean; room: { roomId: string } };
    expect(created.ok).toBe(true);
    expect((await good.conn.call('messages.send', { roomId: created.room.roomId, text: secret }, 10_000)) as object).toMatchObject({ ok: true });
    await new Promise((ok) => setTimeout(ok, 300));
    // Control: the authenticated connection got the pushes.
    expect(good.conn.frames.some((f) => f.startsWith('42["message"') && f.includes(secret))).toBe(true);
    expect(good.conn.frames.some((f) => f.startsWith('42["room"'))).toBe(true);
    // The refused one got nothing but the handshake and the CONNECT_ERROR.
    expect(spy.conn.frames.filter((f) => f.startsWith('42') || f.startsWith('43'))).toEqual([]);
    expect(spy.conn.frames.join('\n')).not.toContain(secret);
    spy.conn.close();
    good.conn.close();
  });

  it('D4: the CLI credential is 256 bits, is not in the printed login link, and never appears in the proxy log', async () => {
    const { proxy, logs } = s.get();
    expect(proxy.credential).toMatch(/^[0-9a-f]{64}$/);
    expect(readFileSync(proxy.accessFile, 'utf8')).toContain(proxy.credential); // positive control: it is what we search for
    expect(findLeaks(proxy.credential, { url: proxy.url })).toEqual([]);
    const all = logs.join('\n');
    expect(findLeaks(proxy.credential, { log: all })).toEqual([]);
  });
});

describe('D4 CLI credential from a previous run', () => {
  let tmp: ReturnType<typeof tempDir>;
  let relay: Relay | null = null;
  beforeAll(() => {
    tmp = tempDir('proxy-prevrun');
  });
  afterAll(async () => {
    await relay?.close();
    tmp?.cleanup();
  });

  it('a restart on the same data dir issues a new credential; the old one is refused, the new one works; neither is logged', async () => {
    relay = await relayIn(join(tmp.dir, 'relay'));
    const logs: string[] = [];
    const dataDir = join(tmp.dir, 'p');
    const first = await startProxy({ port: 0, serverUrl: relay.url, dataDir, handle: 'prevrun', log: (l) => logs.push(l) });
    const oldToken = first.credential;
    const ok1 = await sioConnect(first.port, { token: oldToken });
    expect(ok1.ok).toBe(true);
    if (ok1.ok) ok1.socket.close();
    await first.close();

    const second = await startProxy({ port: 0, serverUrl: relay.url, dataDir, handle: 'prevrun', log: (l) => logs.push(l) });
    try {
      expect(second.credential).not.toBe(oldToken);
      const old = await sioConnect(second.port, { token: oldToken });
      expect(old.ok).toBe(false);
      if (!old.ok) expect(old.error).toBe('ERR_PROXY_BAD_TOKEN');
      const fresh = await sioConnect(second.port, { token: second.credential });
      expect(fresh.ok).toBe(true);
      if (fresh.ok) {
        const who = (await ask(fresh.socket, 'whoami', {})) as { ok: boolean; me: { handle: string } };
        expect(who.me.handle).toBe('prevrun');
        fresh.socket.close();
      }
    } finally {
      await second.close();
    }
    const all = logs.join('\n');
    expect(findLeaks(oldToken, { log: all })).toEqual([]);
    expect(findLeaks(second.credential, { log: all })).toEqual([]);
  });
});

describe('D5 cross-site form posts, D7/D8 headers, D9 traversal', () => {
  const s = setup('d5user');

  async function roomsList(): Promise<unknown> {
    const r = await sioConnect(s.get().proxy.port, { token: s.get().proxy.credential });
    if (!r.ok) throw new Error(r.error);
    try {
      return await ask(r.socket, 'rooms.list', {});
    } finally {
      r.socket.close();
    }
  }

  it('D5: POST / (form-encoded, text/plain, multipart) → 403/405 and no state change', async () => {
    const { proxy, origin } = s.get();
    const before = await roomsList();
    expect(before).toMatchObject({ ok: true });
    const bodies: [string, string][] = [
      ['application/x-www-form-urlencoded', `name=pwned&open=true&token=${proxy.credential}`],
      ['text/plain', JSON.stringify({ event: 'rooms.create', name: 'pwned', open: true })],
      ['multipart/form-data; boundary=X', '--X\r\nContent-Disposition: form-data; name="name"\r\n\r\npwned\r\n--X--\r\n'],
    ];
    for (const [type, body] of bodies) {
      for (const path of ['/', '/index.html', '/rooms.create', '/api/rooms']) {
        for (const o of ['http://evil.test', 'null', undefined, origin]) {
          const r = await httpRaw(proxy.port, { method: 'POST', path, headers: { 'content-type': type, ...(o ? { origin: o } : {}) }, body });
          expect([403, 405], `${type} ${path} origin=${o}`).toContain(r.status);
        }
      }
    }
    for (const method of ['PUT', 'DELETE', 'PATCH']) {
      const r = await httpRaw(proxy.port, { method, path: '/', headers: { origin: 'http://evil.test' }, body: 'x' });
      expect([403, 405]).toContain(r.status);
    }
    expect(await roomsList()).toEqual(before);
  });

  it('D5: OPTIONS (CORS preflight) is refused and no CORS header is ever granted; HEAD works (control)', async () => {
    const { proxy } = s.get();
    const pre = await httpRaw(proxy.port, {
      method: 'OPTIONS',
      path: '/',
      headers: { origin: 'http://evil.test', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect([403, 405]).toContain(pre.status);
    expect(pre.headers['access-control-allow-origin']).toBeUndefined();
    const sio = await httpRaw(proxy.port, { method: 'OPTIONS', path: '/socket.io/?EIO=4&transport=polling', headers: { origin: 'http://evil.test' } });
    expect(sio.status).toBeGreaterThanOrEqual(400);
    expect(sio.headers['access-control-allow-origin']).toBeUndefined();
    const head = await httpRaw(proxy.port, { method: 'HEAD', path: '/' });
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
  });

  it('D5: a cross-site GET / with a foreign Origin is refused as well', async () => {
    const { proxy } = s.get();
    expect((await httpRaw(proxy.port, { headers: { origin: 'http://evil.test' } })).status).toBe(403);
  });

  it('D7/D8: strict CSP and security headers on the page, on 404 and on 403', async () => {
    const { proxy } = s.get();
    const page = await httpRaw(proxy.port, { path: '/' });
    expect(page.status).toBe(200);
    expect(page.body).toContain(INDEX_MARK);
    const notFound = await httpRaw(proxy.port, { path: '/nope<script>alert(1)</script>' });
    expect(notFound.status).toBe(404);
    expect(notFound.body).not.toContain('<script>');
    const forbidden = await httpRaw(proxy.port, { headers: { host: 'attacker.test' } });
    expect(forbidden.status).toBe(403);
    const asset = await httpRaw(proxy.port, { path: '/assets/app.js' });
    expect(asset.status).toBe(200);
    for (const [label, r] of [['page', page], ['404', notFound], ['403', forbidden], ['asset', asset]] as const) {
      const csp = String(r.headers['content-security-policy'] ?? '');
      const directives = new Map(
        csp
          .split(';')
          .map((d) => d.trim())
          .filter(Boolean)
          .map((d) => {
            const [name, ...values] = d.split(/\s+/);
            return [name!.toLowerCase(), values] as const;
          }),
      );
      expect(directives.get('default-src'), label).toEqual(["'self'"]);
      expect(directives.get('frame-ancestors'), label).toEqual(["'none'"]);
      expect(csp, label).not.toMatch(/unsafe-inline|unsafe-eval|unsafe-hashes|\*|data:.*script|http:|https:/i);
      const scriptSrc = directives.get('script-src') ?? directives.get('default-src');
      expect(scriptSrc, label).toEqual(["'self'"]);
      expect(r.headers['x-content-type-options'], label).toBe('nosniff');
      expect(r.headers['referrer-policy'], label).toBe('no-referrer');
      expect(r.headers['x-frame-options'], label).toBe('DENY');
      expect(r.headers['access-control-allow-origin'], label).toBeUndefined();
    }
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(asset.headers['content-type']).toMatch(/^text\/javascript/);
    expect(notFound.headers['content-type']).toMatch(/^text\/plain/);
  });

  it('D9: path traversal never leaves the web root (404); the root itself is served (control)', async () => {
    const { proxy } = s.get();
    const paths = [
      '/../package.json',
      '/../../package.json',
      '/%2e%2e/%2e%2e/package.json',
      '/%2e%2e/package.json',
      '/..%2fpackage.json',
      '/..%2f..%2fpackage.json',
      '/..%5c..%5cpackage.json',
      '/assets/../../../etc/passwd',
      '/assets/..%2f..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd',
      '/%252e%252e/package.json',
      '/..%2fweb-evil%2fsecret.txt',
      '/../web-evil/secret.txt',
      '//etc/passwd',
      '/%2fetc%2fpasswd',
      '/index.html%00',
      '/index.html%00.js',
      '/%00',
      '/assets%00/app.js',
      '/%c0%ae%c0%ae/package.json',
      '/assets/',
      '/assets',
    ];
    for (const path of paths) {
      const r = await httpRaw(proxy.port, { path });
      expect([400, 404], path).toContain(r.status);
      expect(r.body, path).not.toContain(SECRET_OUTSIDE);
      expect(r.body, path).not.toContain('root:');
    }
    // A raw NUL byte in the request target: the HTTP parser refuses it outright.
    const nul = await rawStatusLine(proxy.port, Buffer.from(`GET /index.html\0.js HTTP/1.1\r\nHost: 127.0.0.1:${proxy.port}\r\n\r\n`, 'latin1'));
    expect(nul === null || !/ 200 /.test(nul)).toBe(true);
    // Controls.
    expect((await httpRaw(proxy.port, { path: '/index.html' })).status).toBe(200);
    expect((await httpRaw(proxy.port, { path: '/assets/../index.html' })).status).toBe(200);
    expect((await httpRaw(proxy.port, { path: '/assets/app.js' })).status).toBe(200);
  });
});

describe('D9 no private key or raw MLS state over the local API; E3 bad input', () => {
  const s = setup('d9user');
  const marker = `MARKER-${randomBytes(8).toString('hex')}`;
  let roomId = '';

  it('D9: every read event answers, and none carries the identity key or the MLS group state', async () => {
    const { proxy } = s.get();
    const r = await sioConnect(proxy.port, { token: proxy.credential });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const pushed: string[] = [];
    r.socket.onAny((event: string, ...args: unknown[]) => pushed.push(JSON.stringify([event, ...args])));
    try {
      const created = (await ask(r.socket, 'rooms.create', { name: `Room ${marker}`, open: true })) as { ok: boolean; room: { roomId: string } };
      expect(created.ok).toBe(true);
      roomId = created.room.roomId;
      const sent = (await ask(r.socket, 'messages.send', { roomId, text: `hello ${marker}` })) as { ok: boolean };
      expect(sent.ok).toBe(true);

      const responses: Record<string, string> = {};
      for (const [event, payload] of [
        ['whoami', {}],
        ['rooms.list', {}],
        ['members.list', { roomId }],
        ['messages.list', { roomId }],
        ['messages.list', { roomId, limit: 1000 }],
      ] as const) {
        const res = (await ask(r.socket, event, payload)) as { ok: boolean };
        expect(res.ok, event).toBe(true);
        responses[`${event}:${JSON.stringify(payload)}`] = JSON.stringify(res);
      }
      await new Promise((ok) => setTimeout(ok, 200));
      responses['pushed'] = pushed.join('\n');

      const identity = await proxy.client.store.getIdentity();
      expect(identity).not.toBeNull();
      const id = JSON.parse(identity!) as { signKey: string; publicKey: string };
      const signKey = fromBase64(id.signKey);
      expect(signKey.length).toBeGreaterThanOrEqual(32);
      const leaks = findLeaks(signKey, responses);
      expect(leaks, describeLeaks('identity signKey', leaks)).toEqual([]);

      const room = await proxy.client.store.getRoom(roomId);
      expect(room).not.toBeNull();
      const group = room!.group;
      expect(group.length).toBeGreaterThan(64);
      // Windows from the start, middle and end of the serialised group state (holds the private tree secrets).
      const mid = Math.floor(group.length / 2);
      for (const w of [group.subarray(0, 48), group.subarray(mid, mid + 48), group.subarray(group.length - 48)]) {
        const gl = findLeaks(w, responses);
        expect(gl, describeLeaks('MLS group state', gl)).toEqual([]);
      }
      // Key package private halves (sealed in the store) are not exposed either.
      // Positive controls: the same search finds what the API is meant to return.
      expect(findLeaks(marker, { m: responses[`messages.list:${JSON.stringify({ roomId })}`]! }).length).toBeGreaterThan(0);
      expect(findLeaks(roomId, { r: responses['rooms.list:{}']! }).length).toBeGreaterThan(0);
      expect(JSON.stringify(responses)).not.toContain(id.publicKey); // the public key goes out only as a fingerprint
    } finally {
      r.socket.close();
    }
  });

  it('E3: wrong types, extra fields, __proto__/constructor keys, bad ids, huge strings → ERR_PROXY_BAD_REQUEST; Object.prototype unchanged', async () => {
    const { proxy } = s.get();
    const protoBefore = Object.getOwnPropertyNames(Object.prototype).sort();
    const r = await rawSocketIo(proxy.port, { auth: { token: proxy.credential } });
    expect(r.kind).toBe('connected');
    if (r.kind !== 'connected') return;
    const c = r.conn;
    const rid = roomId || 'a'.repeat(32);
    const cases: [string, unknown][] = [
      ['whoami', { extra: 1 }],
      ['whoami', null],
      ['whoami', []],
      ['whoami', 'x'],
      ['whoami', 42],
      ['rooms.list', { __proto__: null, x: 1 }],
      ['rooms.create', { name: 123, open: true }],
      ['rooms.create', { name: 'ok', open: 'yes' }],
      ['rooms.create', { name: 'ok' }],
      ['rooms.create', { name: 'ok', open: true, admin: true }],
      ['rooms.create', { name: ['ok'], open: true }],
      ['rooms.create', { name: 'x'.repeat(100_000), open: true }],
      ['rooms.create', { name: 'bad\u0000name', open: true }],
      ['rooms.create', { name: '   ', open: true }],
      ['rooms.join', { roomId: 'ZZ' }],
      ['rooms.join', { roomId: rid.toUpperCase() }],
      ['rooms.join', { roomId: `${rid}/../x` }],
      ['rooms.invite', { roomId: rid, handle: 'Bob' }],
      ['rooms.invite', { roomId: rid, handle: '../bob' }],
      ['rooms.invite', { roomId: rid, handle: { $ne: '' } }],
      ['members.list', { roomId: 1 }],
      ['messages.send', { roomId: rid, text: '' }],
      ['messages.send', { roomId: rid, text: 7 }],
      ['messages.send', { roomId: rid, text: 'x'.repeat(16_001) }],
      ['messages.list', { roomId: rid, limit: 0 }],
      ['messages.list', { roomId: rid, limit: 1e9 }],
      ['messages.list', { roomId: rid, limit: 1.5 }],
      ['messages.list', { roomId: rid, limit: '10' }],
      ['onboard', { handle: 'x'.repeat(100) }],
      ['onboard', { handle: 'Evil' }],
    ];
    for (const [event, payload] of cases) {
      const res = (await c.call(event, payload)) as { ok?: boolean; code?: string; message?: string };
      expect(res, `${event} ${JSON.stringify(payload)?.slice(0, 60)}`).toMatchObject({ ok: false, code: 'ERR_PROXY_BAD_REQUEST' });
      expect(JSON.stringify(res)).not.toMatch(/at .*\.ts:\d+|node_modules/); // no stack traces
    }

    // __proto__ and constructor keys as own JSON properties (what JSON.parse produces on the wire).
    const protoFrames = [
      '["rooms.create",{"__proto__":{"polluted":"yes"},"name":"proto","open":true}]',
      '["rooms.create",{"name":"proto","open":true,"constructor":{"prototype":{"polluted":"yes"}}}]',
      '["whoami",{"__proto__":{"polluted":"yes"}}]',
      '["messages.list",{"roomId":"' + rid + '","__proto__":{"limit":5,"polluted":"yes"}}]',
      '["rooms.create",{"name":"proto","open":true,"__proto__":{"open":false}}]',
    ];
    let id = 900;
    for (const body of protoFrames) {
      const ackId = id++;
      const answer = new Promise<string>((resolve) => {
        const t = setTimeout(() => resolve('timeout'), 3000);
        const onMsg = (d: Buffer) => {
          const f = d.toString('utf8');
          if (f.startsWith(`43${ackId}[`)) {
            clearTimeout(t);
            c.ws.off('message', onMsg);
            resolve(f);
          }
        };
        c.ws.on('message', onMsg);
      });
      c.send(`42${ackId}${body}`);
      const f = await answer;
      expect(f, body).not.toBe('timeout');
      const res = (JSON.parse(f.slice(`43${ackId}`.length)) as unknown[])[0];
      expect(res, body).toMatchObject({ ok: false, code: 'ERR_PROXY_BAD_REQUEST' });
    }

    // Missing ack: ignored, and in particular no room is created.
    c.send(`42${JSON.stringify(['rooms.create', { name: 'no-ack-room', open: true }])}`);
    c.send(`42${JSON.stringify(['rooms.create'])}`);
    // Unknown names, and names that collide with EventEmitter / Object.prototype members: ignored.
    for (const ev of ['error', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'ping', 'valueOf'])
      c.send(`427${JSON.stringify([ev, {}])}`);
    expect(await c.call('no.such.event', {}, 300)).toBe('timeout');
    // Thousands of distinct event names.
    for (let i = 0; i < 3000; i++) c.send(`42${JSON.stringify([`ev-${i}-${randomBytes(4).toString('hex')}`, { i }])}`);

    // Still answering on the same connection.
    const who = (await c.call('whoami', {})) as { ok: boolean; me: { handle: string } };
    expect(who).toMatchObject({ ok: true, me: { handle: 'd9user' } });
    const rooms = (await c.call('rooms.list', {})) as { ok: boolean; rooms: { name: string | null }[] };
    expect(rooms.ok).toBe(true);
    expect(rooms.rooms.map((x) => x.name)).not.toContain('no-ack-room');
    expect(rooms.rooms.map((x) => x.name)).not.toContain('proto');
    c.close();

    // Reserved socket.io event names sent by a client: socket.io-parser refuses the packet and closes
    // that connection; no handler runs and the proxy serves the next connection.
    for (const ev of ['connect', 'disconnect', 'disconnecting', 'connect_error', 'newListener', 'removeListener']) {
      const rr = await rawSocketIo(proxy.port, { auth: { token: proxy.credential } });
      expect(rr.kind).toBe('connected');
      if (rr.kind !== 'connected') continue;
      rr.conn.send(`428${JSON.stringify([ev, { reason: 'forged' }])}`);
      const res = await rr.conn.call('whoami', {}, 800);
      // Either the connection was closed for the protocol violation, or the event was simply ignored.
      if (res !== 'timeout') expect(res, ev).toMatchObject({ ok: true });
      expect(rr.conn.frames.some((f) => f.startsWith('438')), ev).toBe(false);
      rr.conn.close();
    }
    const again = await rawSocketIo(proxy.port, { auth: { token: proxy.credential } });
    expect(again.kind).toBe('connected');
    if (again.kind === 'connected') {
      expect(await again.conn.call('whoami', {})).toMatchObject({ ok: true });
      again.conn.close();
    }

    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(protoBefore);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(({} as Record<string, unknown>)['limit']).toBeUndefined();
    expect(({} as Record<string, unknown>)['open']).toBeUndefined();
  });

  it('E3/E2: an oversize frame or a deeply nested payload closes or is refused; the proxy keeps answering new connections', async () => {
    const { proxy } = s.get();
    const big = await rawSocketIo(proxy.port, { auth: { token: proxy.credential } });
    expect(big.kind).toBe('connected');
    if (big.kind !== 'connected') return;
    big.conn.send(`421${JSON.stringify(['messages.send', { roomId: roomId || 'a'.repeat(32), text: 'x'.repeat(400_000) }])}`);
    const closedOrAnswered = await Promise.race([
      big.conn.closed.then(() => 'closed'),
      new Promise<string>((ok) => setTimeout(() => ok('still-open'), 3000)),
    ]);
    // Over maxHttpBufferSize: engine.io closes the connection; in no case is the message sent.
    expect(closedOrAnswered).toBe('closed');
    big.conn.close();

    const deep = await rawSocketIo(proxy.port, { auth: { token: proxy.credential } });
    expect(deep.kind).toBe('connected');
    if (deep.kind !== 'connected') return;
    const n = 100_000;
    deep.conn.send(`425["whoami",${'['.repeat(n)}${']'.repeat(n)}]`);
    const deepAnswer = await Promise.race([
      new Promise<string>((ok) => {
        const onMsg = (d: Buffer) => {
          const f = d.toString('utf8');
          if (f.startsWith('435[')) ok(f);
        };
        deep.conn.ws.on('message', onMsg);
      }),
      deep.conn.closed.then(() => 'closed'),
      new Promise<string>((ok) => setTimeout(() => ok('timeout'), 3000)),
    ]);
    if (deepAnswer.startsWith('435[')) expect(JSON.parse(deepAnswer.slice(3))).toMatchObject([{ ok: false, code: 'ERR_PROXY_BAD_REQUEST' }]);
    else expect(['closed', 'timeout']).toContain(deepAnswer);
    deep.conn.close();

    // The proxy is alive and well; nothing from the oversize frame was stored.
    const after = await sioConnect(proxy.port, { token: proxy.credential });
    expect(after.ok).toBe(true);
    if (!after.ok) return;
    expect(await ask(after.socket, 'whoami', {})).toMatchObject({ ok: true, me: { handle: 'd9user' } });
    if (roomId) {
      const msgs = (await ask(after.socket, 'messages.list', { roomId })) as { ok: boolean; messages: { text: string }[] };
      expect(msgs.ok).toBe(true);
      expect(msgs.messages.some((m) => m.text.length > 100_000)).toBe(false);
    }
    after.socket.close();
    await until('proxy still connected to the relay', async () => proxy.client.connected, 5000);
  });
});
