// A bench worker holding one or more real headless Sealroom engines, each on its own SQLite store.
import { join } from 'node:path';
import { SealroomClient } from '@sealroom/client';
import { SqliteClientStore } from '@sealroom/proxy';
import { wallMs } from '../stats.js';
import { serve } from '../worker-rpc.js';
import { benchText } from './bench-text.js';
import { ReceiveCounter } from './receive-counter.js';
import { installWriteMeter, writes } from './write-meter.js';

// Before any store opens its database: every statement it prepares is metered.
installWriteMeter();
type Client = SealroomClient;
const clients = new Map<string, Client>();
const counter = new ReceiveCounter();

function client(handle: unknown): Client {
  const c = clients.get(String(handle));
  if (!c) throw new Error(`no client ${String(handle)} here`);
  return c;
}

async function until(what: string, fn: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function sendAll(c: Client, roomId: string, run: string, count: number, size: number, ratePerSecond: number): Promise<void> {
  const sends: Promise<unknown>[] = [];
  const start = wallMs();
  for (let i = 0; i < count; i++) {
    if (ratePerSecond > 0) {
      const due = start + (i * 1000) / ratePerSecond;
      const wait = due - wallMs();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    sends.push(c.sendText(roomId, benchText(run, i, wallMs(), size)));
  }
  await Promise.all(sends);
}

serve({
  async init(a) {
    const dir = String(a['dir']);
    for (const handle of a['handles'] as string[]) {
      const c = new SealroomClient({ store: new SqliteClientStore(join(dir, handle)), serverUrl: String(a['serverUrl']) });
      await c.start();
      if (c.handle === null) await c.onboard(handle);
      await c.waitConnected(30_000);
      c.on('message', (m) => {
        if (!m.own && m.state !== 'undecryptable') counter.received(handle, m.text);
      });
      clients.set(handle, c);
    }
    return null;
  },
  async create(a) {
    return (await client(a['handle']).createRoom(String(a['name']), false)).roomId;
  },
  async invite(a) {
    await client(a['handle']).invite(String(a['roomId']), String(a['invitee']));
    return null;
  },
  async accept(a) {
    const c = client(a['handle']);
    const roomId = String(a['roomId']);
    await until(`${c.handle} to be invited`, async () => (await c.invitations()).some((i) => i.roomId === roomId), 60_000);
    await c.acceptInvitation(roomId);
    await until(`${c.handle} to join`, async () => (await c.listRooms()).some((r) => r.roomId === roomId && r.status === 'active'), 60_000);
    return null;
  },
  /** Wait until every engine here sees all `members` in the room (all commits processed). */
  async settle(a) {
    const roomId = String(a['roomId']);
    const n = Number(a['members']);
    for (const c of clients.values()) {
      await until(`${c.handle} to see ${n} members`, async () => (await c.members(roomId)).length === n, 60_000);
    }
    return null;
  },
  async arm(a) {
    counter.arm(String(a['run']), [...clients.keys()], Number(a['expect']));
    return { bytes: writes.bytes, statements: writes.statements };
  },
  async send(a) {
    await sendAll(client(a['handle']), String(a['roomId']), String(a['run']), Number(a['count']), Number(a['size']), Number(a['rate'] ?? 0));
    return null;
  },
  async stats() {
    return { ...counter.stats(), bytes: writes.bytes, statements: writes.statements };
  },
  async close() {
    for (const c of clients.values()) await c.close();
    clients.clear();
    return null;
  },
});
