// Issue 8: the proxy logs one pino JSON object per line (part: proxy), security events as fields, and
// never a login code, the CLI credential or a cookie.
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Server } from 'socket.io';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxy, type RunningProxy } from '@sealroom/proxy';
import { relayIn, tempDir, until } from '../../../e2e/harness.js';
import { createProxyLogger, REDACTED } from '../src/proxy-logger.js';

type Rec = { level: string; time: string; part: string; msg: string } & Record<string, unknown>;
const records = (lines: readonly string[]): Rec[] => lines.map((l) => JSON.parse(l) as Rec);

let tmp: ReturnType<typeof tempDir>;
beforeAll(() => {
  tmp = tempDir('proxy-logs');
});
afterAll(() => tmp?.cleanup());

/** A relay that accepts the websocket and answers every request with junk: the proxy must report it. */
async function junkRelay(): Promise<{ url: string; close(): Promise<void> }> {
  const http = createServer();
  const io = new Server(http, { transports: ['websocket'] });
  io.on('connection', (s) =>
    s.onAny((...args: unknown[]) => {
      const ack = args[args.length - 1];
      if (typeof ack === 'function') (ack as (x: unknown) => void)({ ok: true, challenge: 5 });
    }),
  );
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`, close: () => io.close() };
}

describe('a proxy whose relay answers junk', () => {
  const logs: string[] = [];
  let proxy: RunningProxy;
  let relay: Awaited<ReturnType<typeof junkRelay>>;
  let link: string;
  beforeAll(async () => {
    // An onboarded data directory (against an honest relay), then a restart against the junk relay.
    const honest = await relayIn(join(tmp.dir, 'relay'));
    const dataDir = join(tmp.dir, 'alice');
    await (await startProxy({ port: 0, serverUrl: honest.url, dataDir, handle: 'alice', log: (l) => logs.push(l) })).close();
    await honest.close();
    relay = await junkRelay();
    proxy = await startProxy({ port: 0, serverUrl: relay.url, dataDir, log: (l) => logs.push(l) });
    link = proxy.loginLink();
    await until('a security event in the log', () => Promise.resolve(logs.some((l) => l.includes('security event'))));
  });
  afterAll(async () => {
    await proxy?.close();
    await relay?.close();
  });

  it('logs the security event as one JSON record with its kind and code', () => {
    expect(records(logs)).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        part: 'proxy',
        msg: 'security event',
        event: 'relay-contradicted',
        errorCode: 'ERR_CLIENT_BAD_ANSWER',
      }),
    );
  });

  it('writes every line as one JSON object with level, ISO time, msg and part', () => {
    expect(logs.length).toBeGreaterThan(0);
    for (const r of records(logs)) {
      expect(r).toMatchObject({ part: 'proxy', level: expect.stringMatching(/^(info|warn|error)$/) as string, msg: expect.any(String) as string });
      expect(new Date(r.time).toISOString()).toBe(r.time);
    }
  });

  it('never prints the login code or the CLI credential', () => {
    const code = new URL(link).hash.replace(/^#code=/, '');
    expect(code.length).toBeGreaterThan(20); // positive control: there is something to look for
    const all = logs.join('\n');
    expect(all).not.toContain(code);
    expect(all).not.toContain(proxy.credential);
  });
});

it('a malformed session key file is replaced, and the log says so as a warn record', async () => {
  const honest = await relayIn(join(tmp.dir, 'relay2'));
  const dataDir = join(tmp.dir, 'bob');
  try {
    await (await startProxy({ port: 0, serverUrl: honest.url, dataDir, handle: 'bob' })).close();
    writeFileSync(join(dataDir, 'session.key'), 'short');
    const logs: string[] = [];
    await (await startProxy({ port: 0, serverUrl: honest.url, dataDir, log: (l) => logs.push(l) })).close();
    expect(records(logs)).toContainEqual(expect.objectContaining({ level: 'warn', part: 'proxy', file: 'session.key', outcome: 'replaced' }));
  } finally {
    await honest.close();
  }
});

it('redacts codes, credentials, cookies and tokens at the top level and one level down', () => {
  const lines: string[] = [];
  const log = createProxyLogger((l) => lines.push(l));
  const secrets = { code: 'CODE-1111', credential: 'CRED-2222', cookie: 'COOKIE-3333', token: 'TOKEN-4444', passphrase: 'PASS-5555' };
  log.warn(secrets, 'oops top level');
  log.warn({ req: secrets }, 'oops nested');
  const all = lines.join('\n');
  for (const v of Object.values(secrets)) expect(all).not.toContain(v);
  const censored = Object.fromEntries(Object.keys(secrets).map((k) => [k, REDACTED]));
  expect(records(lines)).toEqual([
    expect.objectContaining({ ...censored, msg: 'oops top level' }),
    expect.objectContaining({ req: censored, msg: 'oops nested' }),
  ]);
});

it('names the proxy in every record when given a name (the demo runs two on one stderr)', () => {
  const lines: string[] = [];
  createProxyLogger((l) => lines.push(l), 'alice').info({}, 'hello');
  createProxyLogger((l) => lines.push(l)).info({}, 'hello');
  const [named, plain] = records(lines);
  expect(named).toMatchObject({ part: 'proxy', name: 'alice' });
  expect(plain).not.toHaveProperty('name');
});
