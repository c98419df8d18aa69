import { EventEmitter } from 'node:events';
import { io, type Socket } from 'socket.io-client';
import type { z } from 'zod';
import {
  ClientErrorCode,
  RELAY_PROTOCOL_VERSION,
  SealroomError,
  authTranscript,
  relayOrigin,
  relayAnswerSchemas,
  logEntrySchema,
  toBase64,
  welcomeSchema,
  type Ack,
  type Handle,
  type LogEntry,
  type RelayClientEvents,
  type RelayServerEvents,
  type WelcomeEnvelope,
} from '@sealroom/protocol';
import { signWithIdentity, type Identity } from '@sealroom/mls';

/** Requests that are safe to send twice: reads, and writes the relay deduplicates by msgId or id. */
const IDEMPOTENT: ReadonlySet<keyof RelayClientEvents> = new Set<keyof RelayClientEvents>([
  'room.send',
  'room.commit',
  'room.fetch',
  'room.info',
  'room.leave',
  'rooms.mine',
  'kp.count',
  'welcome.list',
  'welcome.ack',
]);

type Req<E extends keyof RelayClientEvents> = Parameters<RelayClientEvents[E]>[0];
type Res<E extends keyof RelayClientEvents> = Parameters<Parameters<RelayClientEvents[E]>[1]>[0];

export type RelayConnectionEvents = {
  ready: [];
  down: [];
  entry: [LogEntry];
  welcome: [WelcomeEnvelope];
  error: [Error];
};

/**
 * One authenticated socket.io connection to the relay. After every (re)connect it proves possession of
 * the identity key by signing the relay's fresh challenge, then emits `ready`. Pushes from the relay are
 * schema-checked here: the relay is untrusted, so a malformed push is dropped, never thrown.
 */
export class RelayConnection extends EventEmitter<RelayConnectionEvents> {
  readonly #socket: Socket<RelayServerEvents, RelayClientEvents>;
  #ready = false;

  constructor(
    readonly url: string,
    readonly identity: Identity,
  ) {
    super();
    // Every request waiting for the next login listens for `ready`; under load that is many at once.
    this.setMaxListeners(0);
    this.#socket = io(url, {
      transports: ['websocket'],
      autoConnect: false,
      reconnectionDelay: 200,
      reconnectionDelayMax: 3000,
      timeout: 5000,
    });
    this.#socket.on('connect', () => void this.#authenticate());
    this.#socket.on('disconnect', () => {
      // Never flushed onto the next connection before its login (see #raw): nothing should be here, but a
      // packet emitted in the same tick as the drop would be, and the relay would refuse it unauthenticated.
      this.#socket.sendBuffer = [];
      if (this.#ready) {
        this.#ready = false;
        this.emit('down');
      }
    });
    this.#socket.on('room.entry', (e) => {
      const p = logEntrySchema.safeParse(e);
      if (p.success) this.emit('entry', p.data);
    });
    this.#socket.on('welcome', (w) => {
      const p = welcomeSchema.safeParse(w);
      if (p.success) this.emit('welcome', p.data);
    });
  }

  get ready(): boolean {
    return this.#ready;
  }

  start(): void {
    this.#socket.connect();
  }

  close(): void {
    this.#ready = false;
    this.#socket.removeAllListeners();
    this.#socket.disconnect();
  }

  async #authenticate(): Promise<void> {
    try {
      const hello = await this.#raw('hello', { protocol: RELAY_PROTOCOL_VERSION }, 5000);
      if (!hello.ok) throw new SealroomError(hello.code, hello.message);
      const identityKey = toBase64(this.identity.publicKey);
      const sig = await signWithIdentity(this.identity, authTranscript(hello.challenge, this.identity.handle, identityKey, relayOrigin(this.url)));
      const auth = await this.#raw('auth', { handle: this.identity.handle as Handle, identityKey, signature: toBase64(sig) }, 5000);
      if (!auth.ok) throw new SealroomError(auth.code, auth.message);
      this.#ready = true;
      this.emit('ready');
    } catch (e) {
      this.emit('error', e instanceof Error ? e : new Error(String(e)));
      // A refused login (e.g. handle taken) is not retried in a tight loop; reconnecting will try again.
      if (this.#socket.connected) setTimeout(() => this.#socket.disconnect().connect(), 2000);
    }
  }

  async #raw<E extends keyof RelayClientEvents>(event: E, payload: Req<E>, timeoutMs: number): Promise<Res<E>> {
    // socket.io buffers what is emitted while disconnected and flushes it on the next connect — before
    // hello/auth, so the relay would refuse it (ERR_RELAY_UNAUTHENTICATED). Only the login itself may go out
    // on a connection that is not authenticated yet; everything else waits for `ready` in `request`.
    const handshake = event === 'hello' || event === 'auth';
    if (!this.#socket.connected || (!handshake && !this.#ready))
      throw new SealroomError(ClientErrorCode.Disconnected, `not connected to the relay (${event} not sent)`);
    let raw: unknown;
    try {
      // socket.io's typed emitWithAck cannot follow our generic event map; the shapes are checked by E.
      const emit = this.#socket.timeout(timeoutMs).emitWithAck as unknown as (e: E, p: Req<E>) => Promise<unknown>;
      raw = await emit.call(this.#socket.timeout(timeoutMs), event, payload);
    } catch (e) {
      throw new SealroomError(
        this.#socket.connected ? ClientErrorCode.Timeout : ClientErrorCode.Disconnected,
        `relay did not answer ${event}`,
        { cause: e },
      );
    }
    // The relay is untrusted: its answer is parsed like any input, with the schema of this request.
    const parsed = (relayAnswerSchemas[event] as z.ZodType).safeParse(raw);
    if (!parsed.success) throw new SealroomError(ClientErrorCode.BadAnswer, `the relay answered ${event} with something malformed`);
    return parsed.data as Res<E>;
  }

  /**
   * Wait until authenticated (or time out), then send one request and return its ack. Idempotent requests
   * (the relay dedupes them, or they only read) are sent again if the connection drops before the ack.
   */
  async request<E extends keyof RelayClientEvents>(event: E, payload: Req<E>, timeoutMs = 10_000): Promise<Res<E>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.#ready) await this.waitReady(Math.max(1, deadline - Date.now()));
      try {
        return await this.#raw(event, payload, Math.max(1, deadline - Date.now()));
      } catch (e) {
        const dropped = e instanceof SealroomError && e.code === ClientErrorCode.Disconnected;
        if (!dropped || !IDEMPOTENT.has(event) || Date.now() >= deadline) throw e;
        // The disconnect handler may not have run yet, so `ready` can be stale: wait for the next login.
        if (!(this.#socket.connected && this.#ready)) await this.#nextReady(Math.max(1, deadline - Date.now()));
      }
    }
  }

  waitReady(timeoutMs: number): Promise<void> {
    if (this.#ready) return Promise.resolve();
    return this.#nextReady(timeoutMs);
  }

  #nextReady(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        this.off('ready', onReady);
        reject(new SealroomError(ClientErrorCode.Disconnected, 'relay unreachable'));
      }, timeoutMs);
      const onReady = () => {
        clearTimeout(t);
        resolve();
      };
      this.once('ready', onReady);
    });
  }
}

/** Unwrap an ack or throw its code as a SealroomError. */
export function expectOk<T extends Ack<object>>(res: T): Extract<T, { ok: true }> {
  if (!res.ok) throw new SealroomError(res.code, res.message ?? res.code);
  return res as Extract<T, { ok: true }>;
}

/** Connect once with `identity` to register (or check) its handle; throws the relay's code on refusal. */
export async function probeRegistration(url: string, identity: Identity, timeoutMs = 10_000): Promise<void> {
  const relay = new RelayConnection(url, identity);
  try {
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new SealroomError(ClientErrorCode.Disconnected, `relay unreachable at ${url}`)), timeoutMs);
      relay.once('ready', () => {
        clearTimeout(t);
        resolve();
      });
      relay.once('error', (e) => {
        clearTimeout(t);
        reject(e);
      });
      relay.start();
    });
  } finally {
    relay.close();
  }
}
