// The original demo's proxy scheme, reproduced from its README and ../shared/design/baselines.md: a 2048-bit
// (modp14) Diffie-Hellman key pair per user; per message and per recipient a fresh computeSecret, SHA-256 of
// it as the key, AES-256-CBC. Same RPC commands as workers/sealroom-peer.ts, so one harness drives both.
import { createCipheriv, createDecipheriv, createHash, getDiffieHellman, randomBytes, type DiffieHellmanGroup } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { wallMs } from '../stats.js';
import { serve } from '../worker-rpc.js';
import { benchText } from '../workers/bench-text.js';
import { ReceiveCounter } from '../workers/receive-counter.js';
import type { DemoCiphertext, DemoKey } from './demo-relay.js';

type User = { id: string; dh: DiffieHellmanGroup; socket: Socket; keys: Map<string, string> };
const users = new Map<string, User>();
const counter = new ReceiveCounter();

const keyFor = (u: User, other: string): Buffer =>
  createHash('sha256').update(u.dh.computeSecret(Buffer.from(u.keys.get(other) ?? '', 'base64'))).digest();

function encryptFor(u: User, to: string, text: string): DemoCiphertext {
  const iv = randomBytes(16);
  const c = createCipheriv('aes-256-cbc', keyFor(u, to), iv);
  const data = Buffer.concat([c.update(text, 'utf8'), c.final()]);
  return { from: u.id, to, iv: iv.toString('base64'), data: data.toString('base64') };
}

function onMessage(u: User, m: DemoCiphertext): void {
  if (m.to !== u.id) return;
  const d = createDecipheriv('aes-256-cbc', keyFor(u, m.from), Buffer.from(m.iv, 'base64'));
  const text = Buffer.concat([d.update(Buffer.from(m.data, 'base64')), d.final()]).toString('utf8');
  counter.received(u.id, text);
}

async function until(what: string, fn: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

serve({
  async init(a) {
    for (const id of a['handles'] as string[]) {
      const dh = getDiffieHellman('modp14');
      dh.generateKeys();
      const socket = io(String(a['serverUrl']), { transports: ['websocket'], forceNew: true });
      const u: User = { id, dh, socket, keys: new Map() };
      socket.on('keys', (ks: DemoKey[]) => {
        for (const k of ks) if (k.id !== id) u.keys.set(k.id, k.publicKey);
      });
      socket.on('msg', (m: DemoCiphertext) => onMessage(u, m));
      await new Promise<void>((r) => socket.once('connect', () => r()));
      socket.emit('join', { id, publicKey: dh.getPublicKey('base64') } satisfies DemoKey);
      users.set(id, u);
    }
    return null;
  },
  // One room, everyone in it: the demo had no membership beyond being connected.
  async create() {
    return 'demo';
  },
  async invite() {
    return null;
  },
  async accept() {
    return null;
  },
  async settle(a) {
    const others = Number(a['members']) - 1;
    for (const u of users.values()) await until(`${u.id} to know ${others} keys`, () => u.keys.size === others, 60_000);
    return null;
  },
  async arm(a) {
    counter.arm(String(a['run']), [...users.keys()], Number(a['expect']));
    return { bytes: 0, statements: 0 };
  },
  async send(a) {
    const u = users.get(String(a['handle']));
    if (!u) throw new Error(`no user ${String(a['handle'])} here`);
    const count = Number(a['count']);
    const rate = Number(a['rate'] ?? 0);
    const start = wallMs();
    for (let i = 0; i < count; i++) {
      if (rate > 0) {
        const wait = start + (i * 1000) / rate - wallMs();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
      const text = benchText(String(a['run']), i, wallMs(), Number(a['size']));
      for (const to of u.keys.keys()) u.socket.emit('msg', encryptFor(u, to, text));
      // Yield between messages as the demo's proxy did between browser events, so receipts interleave.
      await new Promise((r) => setImmediate(r));
    }
    return null;
  },
  async stats() {
    return { ...counter.stats(), bytes: 0, statements: 0 };
  },
  async close() {
    for (const u of users.values()) u.socket.close();
    users.clear();
    return null;
  },
});
