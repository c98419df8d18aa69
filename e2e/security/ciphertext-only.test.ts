/**
 * security.md B1 "ciphertext only", multi-process: a relay and two proxies started through the CLI, a
 * scripted chat through the CLI scripting commands, then a byte search of everything the relay received
 * (WebSocket frames captured by a TCP tap and unmasked), logged and stored for the message markers, the
 * room name and the users' private keys — raw, UTF-16LE, base64 (3 alignments) and hex.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { connect as netConnect, createServer as netCreateServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBase64 } from '@sealroom/protocol';
import { SqliteClientStore } from '@sealroom/proxy';
import { tempDir, until } from '../harness.js';
import { runSealroom, spawnSealroom, type Spawned } from '../processes.js';
import { describeLeaks, findLeaks } from './leak-search.js';


const children: Spawned[] = [];

async function startLong(name: string, args: string[], readyRe: RegExp): Promise<{ long: Spawned; match: RegExpMatchArray }> {
  const long = await spawnSealroom(args, readyRe, 20_000).catch((e: unknown) => {
    throw new Error(`${name}: ${e instanceof Error ? e.message : String(e)}`);
  });
  children.push(long);
  return { long, match: long.line };
}

const stop = (l: Spawned, graceMs = 8000) => l.stop(graceMs);

async function cliOk(args: string[]): Promise<string> {
  const r = await runSealroom(args);
  if (r.code !== 0) throw new Error(`sealroom ${args.join(' ')} → exit ${r.code}\n${r.stderr}${r.stdout}`);
  return r.stdout.trim();
}

/** A TCP tap in front of the relay: records both directions of every connection. */
type Tap = { port: number; conns: { up: Buffer[]; down: Buffer[] }[]; server: Server; sockets: Set<Socket>; close(): Promise<void> };
/** `target` is read per connection, so the tap can listen before the relay it fronts has a port. */
function startTap(target: () => number): Promise<Tap> {
  const conns: Tap['conns'] = [];
  const sockets = new Set<Socket>();
  const server = netCreateServer((client) => {
    const rec = { up: [] as Buffer[], down: [] as Buffer[] };
    conns.push(rec);
    const upstream = netConnect(target(), '127.0.0.1');
    sockets.add(client);
    sockets.add(upstream);
    client.on('data', (d: Buffer) => {
      rec.up.push(Buffer.from(d));
      upstream.write(d);
    });
    upstream.on('data', (d: Buffer) => {
      rec.down.push(Buffer.from(d));
      client.write(d);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
  });
  return new Promise((resolveP) =>
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      resolveP({
        port: typeof addr === 'object' && addr ? addr.port : 0,
        conns,
        server,
        sockets,
        close: () =>
          new Promise<void>((ok) => {
            for (const s of sockets) s.destroy();
            server.close(() => ok());
          }),
      });
    }),
  );
}

/** The HTTP upgrade request/response, then every WebSocket frame payload with client masking removed. */
function decodeWebSocketStream(stream: Buffer): { head: Buffer; payloads: Buffer[] } {
  const headEnd = stream.indexOf('\r\n\r\n');
  if (headEnd < 0) return { head: stream, payloads: [] };
  const head = stream.subarray(0, headEnd + 4);
  const payloads: Buffer[] = [];
  let i = headEnd + 4;
  while (i + 2 <= stream.length) {
    const b1 = stream[i + 1]!;
    const masked = (b1 & 0x80) !== 0;
    let len = b1 & 0x7f;
    let p = i + 2;
    if (len === 126) {
      if (p + 2 > stream.length) break;
      len = stream.readUInt16BE(p);
      p += 2;
    } else if (len === 127) {
      if (p + 8 > stream.length) break;
      len = Number(stream.readBigUInt64BE(p));
      p += 8;
    }
    let mask: Buffer | null = null;
    if (masked) {
      if (p + 4 > stream.length) break;
      mask = stream.subarray(p, p + 4);
      p += 4;
    }
    if (p + len > stream.length) break;
    const payload = Buffer.from(stream.subarray(p, p + len));
    if (mask) for (let k = 0; k < payload.length; k++) payload[k] = payload[k]! ^ mask[k & 3]!;
    payloads.push(payload);
    i = p + len;
  }
  return { head, payloads };
}

function filesUnder(dir: string): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else out[p] = readFileSync(p);
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

describe('B1 ciphertext only: a scripted chat through CLI processes', () => {
  let tmp: ReturnType<typeof tempDir>;
  let tap: Tap | null = null;

  beforeAll(() => {
    tmp = tempDir('b1');
  });
  afterAll(async () => {
    await Promise.allSettled(children.map((c) => stop(c, 3000)));
    await tap?.close();
    tmp?.cleanup();
  });

  it('the relay never receives, logs or stores a marker, the room name or a private key', async () => {
    const id = randomBytes(6).toString('hex');
    const roomName = `ROOMNAME-${id}-${randomBytes(4).toString('hex')}`;
    const markers = {
      alice1: `MARKER-${randomBytes(8).toString('hex')}-from-alice`,
      alice2: `MARKER-${randomBytes(8).toString('hex')}-zweite Nachricht ünïcödé`,
      bob1: `MARKER-${randomBytes(8).toString('hex')}-from-bob`,
    };
    const relayDir = join(tmp.dir, 'relay');
    const aliceDir = join(tmp.dir, 'alice');
    const bobDir = join(tmp.dir, 'bob');

    // Relay, and a tap in front of it so we see exactly what it receives. Devices reach the relay through
    // the tap, so that is the public URL their logins name (--public-url).
    let relayPort = 0;
    tap = await startTap(() => relayPort);
    const relayUrl = `http://127.0.0.1:${tap.port}`;
    const { long: relay, match: rm } = await startLong(
      'relay',
      ['server', '0', '--data', relayDir, '--public-url', relayUrl],
      /Sealroom server listening on (http:\/\/\S+)/,
    );
    relayPort = Number(new URL(rm[1]!).port);
    expect(relayPort).toBeGreaterThan(0);

    const proxyRe = (h: string) => new RegExp(`Sealroom proxy for ${h}: (http://127\\.0\\.0\\.1:\\d+/login#code=[A-Za-z0-9_-]+)`);
    const [{ long: alice, match: am }, { long: bob, match: bm }] = await Promise.all([
      startLong('alice', ['proxy', '0', relayUrl, '--data', aliceDir, '--handle', 'alice'], proxyRe('alice')),
      startLong('bob', ['proxy', '0', relayUrl, '--data', bobDir, '--handle', 'bob'], proxyRe('bob')),
    ]);
    const aliceUrl = am[1]!;
    const bobUrl = bm[1]!;
    // The CLI credentials (read now: a clean stop removes the access files) and the printed login codes.
    const credentialOf = (dir: string) => (JSON.parse(readFileSync(join(dir, 'proxy-access.json'), 'utf8')) as { credential: string }).credential;
    const credentials = { alice: credentialOf(aliceDir), bob: credentialOf(bobDir) };
    const tokens = [credentials.alice, credentials.bob, ...[aliceUrl, bobUrl].map((u) => new URLSearchParams(new URL(u).hash.slice(1)).get('code')!)];

    // The scripted chat.
    const roomId = await cliOk(['rooms', 'create', roomName, '--proxy', aliceDir]);
    expect(roomId).toMatch(/^[0-9a-f]{32}$/);
    await cliOk(['rooms', 'invite', roomId, 'bob', '--proxy', aliceDir]);
    await until('bob to be invited', async () => (await cliOk(['invites', '--json', '--proxy', bobDir])).includes(roomId), 20_000);
    await cliOk(['invites', 'accept', roomId, '--proxy', bobDir]);
    await until(
      'bob to join and learn the room name',
      async () => {
        const rooms = JSON.parse(await cliOk(['rooms', 'list', '--json', '--proxy', bobDir])) as { roomId: string; name: string | null }[];
        return rooms.some((r) => r.roomId === roomId && r.name === roomName);
      },
      20_000,
    );
    await cliOk(['send', roomId, markers.alice1, '--proxy', aliceDir]);
    await cliOk(['send', roomId, markers.bob1, '--proxy', bobDir]);
    await cliOk(['send', roomId, markers.alice2, '--proxy', aliceDir]);

    // Positive control: bob reads every marker in clear text through his own proxy.
    const seen = await until(
      'bob to see every marker',
      async () => {
        const lines = (await cliOk(['messages', roomId, '--json', '--proxy', bobDir])).split('\n').filter(Boolean);
        const texts = lines.map((l) => (JSON.parse(l) as { text: string }).text);
        return Object.values(markers).every((m) => texts.includes(m)) ? texts : null;
      },
      20_000,
    );
    expect(seen).toEqual(expect.arrayContaining(Object.values(markers)));

    // Stop everything (proxies first, so the relay logs the disconnects), and wait for the exits.
    expect(await stop(alice)).toBe(0);
    expect(await stop(bob)).toBe(0);
    expect(await stop(relay)).toBe(0);
    await tap.close();

    // The private keys, read from the proxies' own (sealed) stores now that they are down.
    const privateKeys: Record<string, Uint8Array> = {};
    for (const [who, dir] of [
      ['alice', aliceDir],
      ['bob', bobDir],
    ] as const) {
      const store = new SqliteClientStore(dir);
      try {
        const enc = await store.getIdentity();
        expect(enc, who).not.toBeNull();
        // Positive control for the at-rest search below: the store (with its key) holds the room.
        expect((await store.listRooms()).map((r) => r.roomId), who).toContain(roomId);
        privateKeys[`${who} signKey`] = fromBase64((JSON.parse(enc!) as { signKey: string }).signKey);
      } finally {
        await store.close();
      }
      privateKeys[`${who} master.key`] = readFileSync(join(dir, 'master.key'));
    }

    // Everything the relay received, sent, logged and stored.
    const relayFiles = filesUnder(relayDir);
    const relayLog = relay.output();
    const traffic: Record<string, Buffer> = {};
    tap.conns.forEach((c, n) => {
      const up = Buffer.concat(c.up);
      const down = Buffer.concat(c.down);
      const u = decodeWebSocketStream(up);
      const d = decodeWebSocketStream(down);
      traffic[`conn${n} received (raw)`] = up;
      traffic[`conn${n} received (unmasked frames)`] = Buffer.concat([u.head, ...u.payloads.flatMap((p) => [p, Buffer.of(0x0a)])]);
      traffic[`conn${n} sent (frames)`] = Buffer.concat([d.head, ...d.payloads.flatMap((p) => [p, Buffer.of(0x0a)])]);
    });

    // Positive controls: each haystack is real and the search finds the routing metadata the relay may see.
    expect(Object.keys(relayFiles).some((f) => f.endsWith('relay.db'))).toBe(true);
    const relayDbBytes = Object.values(relayFiles).reduce((n, b) => n + b.length, 0);
    expect(relayDbBytes).toBeGreaterThan(4096);
    expect(findLeaks(roomId, relayFiles).length).toBeGreaterThan(0);
    expect(relayLog).toMatch(/room\.create/);
    expect(findLeaks(roomId, { relayLog }).length).toBeGreaterThan(0);
    expect(tap.conns.length).toBeGreaterThanOrEqual(2);
    const unmasked = Object.fromEntries(Object.entries(traffic).filter(([k]) => k.includes('unmasked')));
    expect(findLeaks(roomId, unmasked).length).toBeGreaterThan(0);
    const allUnmasked = Buffer.concat(Object.values(unmasked));
    expect(allUnmasked.includes('"alice"') && allUnmasked.includes('"bob"')).toBe(true);
    // And the relay carried enough ciphertext for three messages and the commits.
    const upBytes = Object.entries(traffic)
      .filter(([k]) => k.includes('unmasked'))
      .reduce((n, [, b]) => n + b.length, 0);
    expect(upBytes).toBeGreaterThan(1000);

    const haystacks: Record<string, Buffer | string> = { ...relayFiles, 'relay log (stdout+stderr)': relayLog, ...traffic };
    const secrets: Record<string, string | Uint8Array> = { ...markers, roomName, roomNameSuffix: roomName.slice('ROOMNAME-'.length), ...privateKeys };
    const problems: string[] = [];
    for (const [label, secret] of Object.entries(secrets)) {
      const leaks = findLeaks(secret, haystacks);
      if (leaks.length) problems.push(describeLeaks(label, leaks));
    }
    // The proxies' CLI credentials and login codes never go to the relay.
    for (const t of tokens) {
      const leaks = findLeaks(t, haystacks);
      if (leaks.length) problems.push(describeLeaks('proxy credential or login code', leaks));
    }
    expect(problems.join('\n')).toBe('');

    // At rest on the proxies: markers and the room name are sealed too (only master.key opens them).
    for (const [who, dir, url] of [
      ['alice', aliceDir, aliceUrl],
      ['bob', bobDir, bobUrl],
    ] as const) {
      const files = filesUnder(dir);
      expect(Object.keys(files).some((f) => f.endsWith('proxy.db')), who).toBe(true);
      // The whole database is SQLCipher pages: not even the room id is in the clear.
      expect(findLeaks(roomId, files), `${who}: room id`).toEqual([]);
      const atRest: string[] = [];
      for (const [label, secret] of Object.entries({ ...markers, roomName })) {
        const leaks = findLeaks(secret, files);
        if (leaks.length) atRest.push(describeLeaks(`${who}: ${label}`, leaks));
      }
      expect(atRest.join('\n')).toBe('');
      // The proxy's output carries neither its CLI credential nor (beyond the one printed link) its login code, nor message text.
      const proxy = who === 'alice' ? alice : bob;
      expect(findLeaks(credentials[who], { log: proxy.output() }), `${who} log`).toEqual([]);
      const code = new URLSearchParams(new URL(url).hash.slice(1)).get('code')!;
      expect(findLeaks(code, { log: proxy.output().replace(url, '') }), `${who} log`).toEqual([]);
      for (const m of Object.values(markers)) expect(findLeaks(m, { log: proxy.output() }), `${who} log`).toEqual([]);
    }
  }, 90_000);
});
