// Issue 8: the relay logs one pino JSON object per line, with levels, and never payloads or login material.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRelayLogger, REDACTED, type RelayLog } from '../src/relay-logger.js';
import { connectClient, hexId, logRecords, startTestRelay, stopTestRelay, type TestClient, type TestRelay } from './helpers.js';
import { framedApp } from './framed.js';

/** Every distinctive 16-character slice of `secret` (base64 of random bytes): a partial leak counts too. */
function slices(secret: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 16 <= secret.length; i += 8) out.push(secret.slice(i, i + 16));
  return out;
}

describe('a real relay run', () => {
  let relay: TestRelay;
  let alice: TestClient;
  let roomId: string;
  let data: string;
  beforeAll(async () => {
    relay = await startTestRelay();
    alice = await connectClient(relay.url, 'alice');
    roomId = hexId();
    expect(await alice.call('room.create', { roomId, open: false })).toEqual({ ok: true, seq: 0 });
    data = framedApp(roomId, 0, 256);
    expect(await alice.call('room.send', { roomId, epoch: 0, msgId: hexId(), kind: 'application', data })).toMatchObject({ ok: true });
    // A refusal: the same send at a stale epoch.
    expect(await alice.call('room.send', { roomId, epoch: 5, msgId: hexId(), kind: 'application', data })).toMatchObject({ ok: false });
  });
  afterAll(async () => {
    alice.close();
    await stopTestRelay(relay);
  });

  it('writes every line as one JSON object with level, ISO time, msg and part', () => {
    expect(relay.logs.length).toBeGreaterThan(4);
    for (const line of relay.logs) {
      expect(line).not.toContain('\n');
      const [r] = logRecords([line]);
      expect(r).toMatchObject({ part: 'relay', level: expect.stringMatching(/^(info|warn|error)$/) as string, msg: expect.any(String) as string });
      expect(new Date(r!.time).toISOString()).toBe(r!.time);
    }
  });

  it('records events as fields: info for what worked, warn for a refusal', () => {
    const records = logRecords(relay.logs);
    expect(records).toContainEqual(expect.objectContaining({ level: 'info', msg: 'auth', handle: 'alice', binding: 'registered' }));
    expect(records).toContainEqual(expect.objectContaining({ level: 'info', msg: 'room.create', room: roomId, handle: 'alice' }));
    expect(records).toContainEqual(
      expect.objectContaining({ level: 'info', msg: 'room.send', room: roomId, handle: 'alice', kind: 'application', bytes: data.length }),
    );
    expect(records).toContainEqual(
      expect.objectContaining({ level: 'warn', msg: 'event refused', event: 'room.send', handle: 'alice', outcome: 'refused', errorCode: expect.stringMatching(/^ERR_RELAY_/) as string }),
    );
  });

  it('never prints the payload or the login key', () => {
    const all = relay.logs.join('\n');
    expect(data.length).toBeGreaterThan(300); // positive control: a long, random string to look for
    for (const s of [data, ...slices(data), alice.identity.publicKey]) expect(all).not.toContain(s);
  });
});

describe('redaction, the second line of defence', () => {
  const secrets = {
    data: 'CIPHERTEXT-aaaa',
    commit: 'COMMIT-bbbb',
    token: 'TOKEN-cccc',
    signature: 'SIGNATURE-dddd',
    code: 'LOGINCODE-eeee',
    welcome: 'WELCOME-ffff',
    identityKey: 'IDKEY-gggg',
  };

  it('replaces secret-bearing fields at the top level and one level down, whatever the level', () => {
    const lines: string[] = [];
    const log = createRelayLogger((l) => lines.push(l));
    // A log call that, by mistake, passes a request object and its fields.
    log.info({ ...secrets, room: 'r1' }, 'oops top level');
    log.warn({ req: { ...secrets, roomId: 'r1' } }, 'oops nested');
    log.error({ req: secrets, errorCode: 'ERR_RELAY_INTERNAL' }, 'oops error');
    const all = lines.join('\n');
    for (const v of Object.values(secrets)) expect(all).not.toContain(v);
    const [top, nested, failed] = logRecords(lines);
    const censored = Object.fromEntries(Object.keys(secrets).map((k) => [k, REDACTED]));
    expect(top).toMatchObject({ ...censored, room: 'r1', level: 'info' });
    expect(nested).toMatchObject({ req: { ...censored, roomId: 'r1' }, level: 'warn' });
    // Error codes have their own field, so redacting `code` (the proxy's login code) costs nothing.
    expect(failed).toMatchObject({ req: censored, errorCode: 'ERR_RELAY_INTERNAL', level: 'error' });
  });

  it('handlers get a log that takes flat scalar fields only (checked by the typecheck)', () => {
    const lines: string[] = [];
    const log: RelayLog = createRelayLogger((l) => lines.push(l));
    // @ts-expect-error a request object is not a log field: the first line of defence
    log.info({ req: { data: 'CIPHERTEXT' } }, 'refused by the type');
    log.info({ room: 'r1', bytes: 3, external: false, handle: null }, 'fine');
    expect(logRecords(lines).map((r) => r.msg)).toEqual(['refused by the type', 'fine']);
  });

  it('logs nothing without a sink, and a sink that throws loses only its line', () => {
    expect(() => createRelayLogger(undefined).warn({ data: 'x' }, 'nowhere')).not.toThrow();
    const lines: string[] = [];
    let calls = 0;
    const log = createRelayLogger((l) => {
      if (calls++ === 0) throw new Error('sink down');
      lines.push(l);
    });
    expect(() => log.info({}, 'first')).not.toThrow();
    log.info({}, 'second');
    expect(logRecords(lines).map((r) => r.msg)).toEqual(['second']);
  });
});
