import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import type { SecurityEvent } from '@sealroom/protocol';
import { safetyDigits } from '../src/contact-commands.js';
import { EventMerge } from '../src/event-merge.js';
import { listAllEvents } from '../src/event-commands.js';
import type { LocalApiClient } from '../src/local-api-client.js';
import { main } from '../src/main.js';
import { planScriptCommand, type ScriptFlags } from '../src/script-commands.js';

const DIGITS = '012345678901234567890123456789012345678901234567890123456789';
const flags = (over: Partial<ScriptFlags> = {}): ScriptFlags => ({ json: false, open: false, follow: false, number: undefined, ...over });
const ev = (id: number): SecurityEvent => ({ id, time: 0, kind: 'replay', roomId: null, handle: null, code: null, text: `e${id}` });

/** A stand-in for the proxy: answers calls from `answers`, records them, and can push events. */
function fakeApi(answers: (event: string, payload: unknown) => object) {
  const calls: [string, unknown][] = [];
  const socket = new EventEmitter();
  const api = {
    socket,
    call: (event: string, payload: unknown) => {
      calls.push([event, payload]);
      return Promise.resolve(answers(event, payload));
    },
  } as unknown as LocalApiClient;
  return { api, calls, socket };
}

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

describe('usage errors exit 2, before anything connects', () => {
  // A data directory with no proxy: a command that got as far as connecting would exit 1 (unreachable).
  const env = { SEALROOM_PROXY: '/nonexistent/sealroom-test-proxy' };
  it.each([
    [['contacts', 'extra'], 'contacts [--json]'],
    [['safety-number'], 'safety-number HANDLE [--json]'],
    [['safety-number', 'a', 'b'], 'safety-number HANDLE [--json]'],
    [['verify'], 'verify HANDLE [--number DIGITS]'],
    [['verify', 'bob', '--number', '12345'], 'verify HANDLE [--number DIGITS]'],
    [['verify', 'bob', '--number', `${DIGITS}0`], 'verify HANDLE [--number DIGITS]'],
    [['verify', 'bob', '--number', `${DIGITS.slice(1)}x`], 'verify HANDLE [--number DIGITS]'],
    [['trust'], 'trust HANDLE'],
    [['invites', 'accept'], 'invites accept ROOM_ID'],
    [['invites', 'decline', 'a', 'b'], 'invites decline ROOM_ID'],
    [['invites', 'frob'], 'invites [list] [--json]'],
    [['invites', 'list', 'x'], 'invites [list] [--json]'],
    [['events', 'x'], 'events [--json] [--follow]'],
    [['members'], 'members ROOM_ID [--json]'],
    [['rooms', 'nope'], 'rooms list|create|join|rejoin|invite|remove|leave'],
    [['rooms', 'rejoin'], 'rooms rejoin ROOM_ID'],
    [['trust', 'bob', '--number', DIGITS], '--number is only for verify'],
    [['open', 'now'], 'open [--proxy DIR]'],
  ])('sealroom %j', async (args, usage) => {
    const r = await run(args, env);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^sealroom: ERR_CLI_USAGE: usage: sealroom .+\n$/);
    expect(r.err).toContain(usage);
  });

  it('an unknown option is a usage error too', async () => {
    expect(await run(['contacts', '--numbr', '1'], env)).toMatchObject({ code: 2 });
  });

  it('valid arguments do get as far as the proxy (so the cases above failed on their arguments)', async () => {
    const r = await run(['verify', 'bob', '--number', DIGITS], env);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^sealroom: ERR_CLI_PROXY_UNREACHABLE: /);
  });
});

describe('open', () => {
  const link = 'http://127.0.0.1:3003/login#code=AAAAAAAAAAAAAAAAAAAAAA';

  it('asks the proxy for a login link and prints exactly that line', async () => {
    const { api, calls } = fakeApi(() => ({ ok: true, url: link }));
    const lines: string[] = [];
    expect(await planScriptCommand('open', [], flags())(api, (l) => lines.push(l))).toBe(0);
    expect(calls).toEqual([['session.login-link', {}]]);
    expect(lines).toEqual([link]);
  });

  it('refuses to print an answer that is not a loopback login link (a line the user pastes into a browser)', async () => {
    for (const url of ['http://evil.test/login#code=AAAAAAAAAAAAAAAAAAAAAA', `${link}\n<alice> hi`, 'javascript:alert(1)']) {
      const { api } = fakeApi(() => ({ ok: true, url }));
      const lines: string[] = [];
      await expect(planScriptCommand('open', [], flags())(api, (l) => lines.push(l))).rejects.toMatchObject({ code: 'ERR_CLI_PROXY_UNREACHABLE' });
      expect(lines).toEqual([]);
    }
  });
});

describe('verify --number', () => {
  it('strips spaces and sends the 60 digits to the proxy', async () => {
    const spaced = DIGITS.match(/.{5}/g)!.join(' ');
    expect(safetyDigits(`  ${spaced}\n`)).toBe(DIGITS);
    const { api, calls } = fakeApi(() => ({
      contact: { handle: 'bob', fingerprint: 'ab', state: 'verified', firstSeen: 0, verifiedAt: 0, pendingFingerprint: null },
    }));
    const lines: string[] = [];
    expect(await planScriptCommand('verify', ['bob'], flags({ number: spaced }))(api, (l) => lines.push(l))).toBe(0);
    expect(calls).toEqual([['contacts.verify', { handle: 'bob', digits: DIGITS }]]);
    expect(lines).toEqual(['bob  ✓ verified  ab  first seen 1970-01-01 00:00:00  verified 1970-01-01 00:00:00']);
  });

  it('without --number sends no digits at all (the key field is absent, not undefined)', async () => {
    const { api, calls } = fakeApi(() => ({
      contact: { handle: 'bob', fingerprint: 'ab', state: 'verified', firstSeen: 0, verifiedAt: 0, pendingFingerprint: null },
    }));
    await planScriptCommand('verify', ['bob'], flags())(api, () => undefined);
    expect(calls).toEqual([['contacts.verify', { handle: 'bob' }]]);
    expect(Object.keys(calls[0]![1] as object)).toEqual(['handle']);
  });
});

describe('invites and safety-number call the proxy once and print what scripts need', () => {
  it('invites accept prints the room id; decline prints nothing', async () => {
    const roomId = 'a'.repeat(32);
    const { api, calls } = fakeApi((e) => (e === 'invites.accept' ? { room: { roomId } } : {}));
    const lines: string[] = [];
    await planScriptCommand('invites', ['accept', roomId], flags())(api, (l) => lines.push(l));
    await planScriptCommand('invites', ['decline', roomId], flags())(api, (l) => lines.push(l));
    expect(calls).toEqual([
      ['invites.accept', { roomId }],
      ['invites.decline', { roomId }],
    ]);
    expect(lines).toEqual([roomId]);
  });

  it('safety-number --json prints the SafetyNumber object as the proxy gave it', async () => {
    const safety = { handle: 'bob', digits: DIGITS, groups: DIGITS.match(/.{5}/g), qr: 'q', state: 'new' };
    const { api, calls } = fakeApi(() => ({ safety }));
    const lines: string[] = [];
    await planScriptCommand('safety-number', ['bob'], flags({ json: true }))(api, (l) => lines.push(l));
    expect(calls).toEqual([['contacts.safety-number', { handle: 'bob' }]]);
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual([safety]);
  });
});

describe('events', () => {
  it('pages through every event with `after`, and stops on a page that does not move forward', async () => {
    const all = Array.from({ length: 2500 }, (_, i) => ev(i + 1));
    const { api, calls } = fakeApi((_e, p) => {
      const { after, limit } = p as { after: number; limit: number };
      return { events: all.filter((e) => e.id > after).slice(0, limit) };
    });
    expect((await listAllEvents(api)).map((e) => e.id)).toEqual(all.map((e) => e.id));
    expect(calls.map(([, p]) => p)).toEqual([
      { after: 0, limit: 1000 },
      { after: 1000, limit: 1000 },
      { after: 2000, limit: 1000 },
    ]);

    const stuck = fakeApi(() => ({ events: Array.from({ length: 1000 }, () => ev(0)) }));
    expect(await listAllEvents(stuck.api)).toHaveLength(1000);
    expect(stuck.calls).toHaveLength(1);
  });

  it('merge: pushes during the list are held, then only the new ones follow, in id order, each once', () => {
    const m = new EventMerge();
    expect(m.pushed(ev(4))).toEqual([]);
    expect(m.pushed(ev(3))).toEqual([]);
    expect(m.listed([ev(1), ev(2), ev(3)]).map((e) => e.id)).toEqual([1, 2, 3, 4]);
    expect(m.pushed(ev(4))).toEqual([]);
    expect(m.pushed(ev(5)).map((e) => e.id)).toEqual([5]);
    expect(m.pushed(ev(5))).toEqual([]);
  });

  it('--follow prints the list, then pushes, with no duplicates, until the proxy goes away', async () => {
    let socket!: EventEmitter;
    const fake = fakeApi(() => {
      // A push that races the list: it is in the list too, and must print once.
      socket.emit('security.event', ev(2));
      socket.emit('security.event', ev(3));
      return { events: [ev(1), ev(2)] };
    });
    socket = fake.socket;
    const lines: string[] = [];
    const done = planScriptCommand('events', [], flags({ json: true, follow: true }))(fake.api, (l) => lines.push(l));
    await vi.waitFor(() => expect(lines).toHaveLength(3));
    socket.emit('security.event', ev(3));
    socket.emit('security.event', ev(4));
    socket.emit('disconnect');
    expect(await done).toBe(0);
    expect(lines.map((l) => (JSON.parse(l) as SecurityEvent).id)).toEqual([1, 2, 3, 4]);
  });
});
