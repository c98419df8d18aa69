import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  RELAY_PROTOCOL_VERSION,
  authTranscript,
  relayOrigin,
  type LogEntry,
  type RelayClientEvents,
  type RelayServerEvents,
  type WelcomeEnvelope,
} from '@sealroom/protocol';
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import { startRelay, type RelayOptions, type RunningRelay } from '../src/index.js';

export type ClientSocket = Socket<RelayServerEvents, RelayClientEvents>;

export type Identity = { publicKey: string; privateKey: KeyObject };

export function newIdentity(): Identity {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const x = publicKey.export({ format: 'jwk' }).x;
  if (x === undefined) throw new Error('no jwk x');
  return { publicKey: Buffer.from(x, 'base64url').toString('base64'), privateKey };
}

/** The auth signature for the relay at `relayUrl` (its origin is in the transcript). */
export function signAuth(id: Identity, challenge: string, handle: string, relayUrl: string): string {
  return sign(null, authTranscript(challenge, handle, id.publicKey, relayOrigin(relayUrl)), id.privateKey).toString('base64');
}

export const hexId = (): string => randomBytes(16).toString('hex');
export const blob = (n = 64): string => randomBytes(n).toString('base64');

/** One relay log line, parsed: pino's level name, ISO time, `part` and `msg`, then the record's fields. */
export type LogRecord = { level: string; time: string; part: string; msg: string } & Record<string, unknown>;

/** Parses captured log lines (one pino JSON object each); throws on a line that is anything else. */
export function logRecords(lines: readonly string[]): LogRecord[] {
  return lines.map((line) => {
    const v = JSON.parse(line) as unknown;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new TypeError(`not a log record: ${line}`);
    return v as LogRecord;
  });
}

/** A relay on an ephemeral port with its SQLite file in a fresh temp dir; logs are captured. */
export type TestRelay = RunningRelay & { dataDir: string; logs: string[]; restart(): Promise<TestRelay> };

/**
 * Every test client comes from 127.0.0.1, and most tests register a fresh handle per client: the default
 * new-accounts-per-address bound (20) would stop them. Tests of that bound pass their own `limits`.
 */
const testLimits: RelayOptions['limits'] = { accountBurstPerIp: 10_000 };

export async function startTestRelay(opts: Partial<RelayOptions> = {}, dataDir?: string): Promise<TestRelay> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'sealroom-relay-'));
  const logs: string[] = [];
  const relay = await startRelay({ port: 0, dataDir: dir, log: (l) => logs.push(l), ...opts, limits: { ...testLimits, ...opts.limits } });
  return {
    ...relay,
    dataDir: dir,
    logs,
    restart: async () => {
      await relay.close();
      return startTestRelay(opts, dir);
    },
  };
}

export async function stopTestRelay(relay: TestRelay): Promise<void> {
  await relay.close();
  rmSync(relay.dataDir, { recursive: true, force: true });
}

/** Extra socket.io-client options, e.g. `localAddress: '127.0.0.2'` to connect from another address. */
export type ConnectOptions = Partial<ManagerOptions & SocketOptions> & { localAddress?: string };

/** A raw connected socket, websocket only, no reconnection. */
export function connectSocket(url: string, opts: ConnectOptions = {}): Promise<ClientSocket> {
  const socket: ClientSocket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, ...opts });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (e) => reject(e));
  });
}

// Acks are loosely typed in tests on purpose: tests send malformed payloads too.
export type AnyAck = { ok: boolean; code?: string; message?: string } & Record<string, any>;

export function call(socket: ClientSocket, event: string, payload: unknown, timeoutMs = 5000): Promise<AnyAck> {
  const untyped = socket as unknown as {
    timeout(ms: number): { emitWithAck(event: string, ...args: unknown[]): Promise<AnyAck> };
  };
  return untyped.timeout(timeoutMs).emitWithAck(event, payload);
}

export type TestClient = {
  handle: string;
  identity: Identity;
  socket: ClientSocket;
  entries: LogEntry[];
  welcomes: WelcomeEnvelope[];
  call(event: string, payload: unknown): Promise<AnyAck>;
  close(): void;
};

/** hello + auth as `handle`, collecting pushed room entries and welcomes. */
export async function connectClient(
  url: string,
  handle: string,
  identity: Identity = newIdentity(),
  opts: ConnectOptions = {},
): Promise<TestClient> {
  const socket = await connectSocket(url, opts);
  const entries: LogEntry[] = [];
  const welcomes: WelcomeEnvelope[] = [];
  socket.on('room.entry', (e) => entries.push(e));
  socket.on('welcome', (w) => welcomes.push(w));
  const hello = await call(socket, 'hello', { protocol: RELAY_PROTOCOL_VERSION });
  if (!hello.ok) throw new Error(`hello failed: ${hello.code}`);
  const auth = await call(socket, 'auth', {
    handle,
    identityKey: identity.publicKey,
    signature: signAuth(identity, hello.challenge as string, handle, url),
  });
  if (!auth.ok) throw new Error(`auth failed: ${auth.code}`);
  return {
    handle,
    identity,
    socket,
    entries,
    welcomes,
    call: (event, payload) => call(socket, event, payload),
    close: () => socket.disconnect(),
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls until `pred` holds or fails after `ms`. */
export async function waitUntil(pred: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error('waitUntil: timed out');
    await sleep(10);
  }
}
