// Load for the relay-cost part: many connections to one relay (the Sealroom relay through the client's own
// RelayConnection, or the plain socket.io relay), one of them sending as fast as a bounded window allows.
import { randomBytes } from 'node:crypto';
import { RelayConnection, expectOk, randomId } from '@sealroom/client';
import {
  commitUpdate,
  createAuthenticationService,
  createGroup,
  encryptApplication,
  generateIdentity,
  makeClientConfig,
  type Group,
} from '@sealroom/mls';
import { toBase64, type Handle, type MessageId, type RoomId } from '@sealroom/protocol';
import { io, type Socket } from 'socket.io-client';
import { serve } from '../worker-rpc.js';

type Conn =
  | { mode: 'sealroom'; handle: string; relay: RelayConnection; identity: Awaited<ReturnType<typeof generateIdentity>> }
  | { mode: 'plain'; handle: string; socket: Socket };

const conns = new Map<string, Conn>();
let received = 0;
let room = { roomId: '', epoch: 0, data: '' };

const HANDLES_PER_COMMIT = 100;

async function connect(mode: string, url: string, handle: string, roomName: string): Promise<Conn> {
  if (mode === 'plain') {
    const socket = io(url, { transports: ['websocket'], forceNew: true });
    socket.on('entry', () => void received++);
    await new Promise<void>((r) => socket.once('connect', () => r()));
    await socket.timeout(30_000).emitWithAck('join', roomName);
    return { mode: 'plain', handle, socket };
  }
  const identity = await generateIdentity(handle);
  const relay = new RelayConnection(url, identity);
  relay.on('entry', () => void received++);
  relay.start();
  await relay.waitReady(60_000);
  return { mode: 'sealroom', handle, relay, identity };
}

function conn(handle: unknown): Conn {
  const c = conns.get(String(handle));
  if (!c) throw new Error(`no connection ${String(handle)} here`);
  return c;
}

/**
 * The room, built by its first member with real MLS framing (the relay checks group id, epoch and content
 * type): one commit per 100 routed handles (the relay routes by a commit's `adds` hint; it cannot see the
 * tree, so an update commit carries them as well as an Add would), then one real 100-byte application message,
 * sent again under fresh message ids (the relay deduplicates by id only).
 */
async function setupSealroom(c: Extract<Conn, { mode: 'sealroom' }>, members: string[], textBytes: number): Promise<void> {
  const roomId = randomId();
  let g: Group = await createGroup(c.identity, Buffer.from(roomId, 'hex'), makeClientConfig(createAuthenticationService()));
  expectOk(await c.relay.request('room.create', { roomId: roomId as RoomId, open: false }));
  let epoch = 0;
  for (let i = 0; i < members.length; i += HANDLES_PER_COMMIT) {
    const out = await commitUpdate(g, false);
    const adds = members.slice(i, i + HANDLES_PER_COMMIT) as Handle[];
    expectOk(
      await c.relay.request('room.commit', { roomId: roomId as RoomId, epoch, msgId: randomId() as MessageId, commit: toBase64(out.commit), adds, removes: [], external: false }),
    );
    g = out.group;
    epoch++;
  }
  const { message } = await encryptApplication(g, randomBytes(textBytes));
  room = { roomId, epoch, data: toBase64(message) };
}

async function sendOne(c: Conn): Promise<void> {
  if (c.mode === 'plain') {
    await c.socket.timeout(30_000).emitWithAck('send', { room: room.roomId, data: room.data });
    return;
  }
  expectOk(
    await c.relay.request('room.send', {
      roomId: room.roomId as RoomId,
      epoch: room.epoch,
      msgId: randomId() as MessageId,
      kind: 'application',
      data: room.data,
    }),
  );
}

serve({
  async init(a) {
    const handles = a['handles'] as string[];
    // A few logins at a time: the relay verifies one signature per login, the rest is waiting.
    for (let i = 0; i < handles.length; i += 25) {
      const batch = handles.slice(i, i + 25);
      const made = await Promise.all(batch.map((h) => connect(String(a['mode']), String(a['serverUrl']), h, String(a['room'] ?? ''))));
      for (const c of made) conns.set(c.handle, c);
    }
    return null;
  },
  async setup(a) {
    const c = conn(a['handle']);
    if (c.mode === 'sealroom') await setupSealroom(c, a['members'] as string[], Number(a['textBytes']));
    else room = { roomId: String(a['room']), epoch: 0, data: String(a['data']) };
    return { roomId: room.roomId, dataChars: room.data.length, data: room.data };
  },
  async reset() {
    received = 0;
    return null;
  },
  /** Send up to `count` messages, `window` unanswered at most, for at most `maxMs`. */
  async blast(a) {
    const c = conn(a['handle']);
    const count = Number(a['count']);
    const end = Date.now() + Number(a['maxMs']);
    let sent = 0;
    const lane = async (): Promise<void> => {
      while (sent < count && Date.now() < end) {
        sent++;
        await sendOne(c);
      }
    };
    const start = performance.now();
    await Promise.all(Array.from({ length: Number(a['window']) }, lane));
    return { sent, ms: performance.now() - start };
  },
  async stats() {
    return { received };
  },
  async close() {
    for (const c of conns.values()) {
      if (c.mode === 'plain') c.socket.close();
      else c.relay.close();
    }
    conns.clear();
    return null;
  },
});
