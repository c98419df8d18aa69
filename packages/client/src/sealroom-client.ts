import { EventEmitter } from 'node:events';
import {
  APP_PAYLOAD_VERSION,
  ClientErrorCode,
  ProxyErrorCode,
  SealroomError,
  type ChatMessage,
  type Contact,
  type Handle,
  type Invitation,
  type Member,
  type MessageId,
  type RoomSummary,
  type SafetyNumber,
  type SecurityEvent,
} from '@sealroom/protocol';
import {
  createAuthenticationService,
  decodeIdentity,
  encodeIdentity,
  fingerprint,
  generateIdentity,
  makeClientConfig,
  epochAuthenticatorOf,
  type Identity,
} from '@sealroom/mls';
import type { ClientStore } from './client-store.js';
import { ContactBook } from './contact-book.js';
import type { ClientEvents } from './client-events.js';
import type { EngineContext } from './engine-context.js';
import { IdentityGate } from './identity-gate.js';
import { Invitations, type AutoAccept } from './invitations.js';
import { transition } from './room-state.js';
import { SecurityLog } from './security-log.js';
import type { UnchainedPayload } from './history-chain.js';
import { GroupCache } from './group-cache.js';
import { KeyedMutex } from './keyed-mutex.js';
import { replenishKeyPackages } from './key-package-pool.js';
import { clientMessageId } from './client-message-id.js';
import { randomId } from './random-id.js';
import { RelayConnection, expectOk, probeRegistration } from './relay-connection.js';
import { OutboxDelivery } from './outbox-delivery.js';
import { RoomChores, type ControlPayload } from './room-chores.js';
import { RoomMembership } from './room-membership.js';
import { PERMANENT, RoomSync, summarize } from './room-sync.js';

export type SealroomClientOptions = {
  store: ClientStore;
  serverUrl: string;
  /** Invitations that join without asking: 'none' (default) or those from verified contacts. */
  autoAccept?: AutoAccept;
  /** How often a device that has sent something since its last checkpoint sends one (default 5 minutes). */
  checkpointIntervalMs?: number;
};

const DEFAULT_CHECKPOINT_INTERVAL_MS = 5 * 60_000;

/** Pages of pending Welcomes read after a login before the rest waits for the next one. */
const MAX_WELCOME_PAGES = 50;

/** A catch-up that failed for a passing reason is tried again after this, doubling up to the maximum. */
const CATCH_UP_RETRY_FIRST_MS = 1000;
const CATCH_UP_RETRY_MAX_MS = 30_000;

/**
 * The headless Sealroom engine: one device, one identity, many rooms. The proxy, the tests and the
 * benchmarks drive it; it owns no UI and no transport to a UI.
 */
export class SealroomClient extends EventEmitter<ClientEvents> {
  readonly store: ClientStore;
  readonly serverUrl: string;
  #ctx: EngineContext | null = null;
  #sync: RoomSync | null = null;
  #outbox: OutboxDelivery | null = null;
  #membership: RoomMembership | null = null;
  #chores: RoomChores | null = null;
  #invitations: Invitations | null = null;
  readonly #autoAccept: AutoAccept;
  #timers = new Set<NodeJS.Timeout>();
  #closed = false;
  /** Resolves after the first successful post-connect round (key packages, welcomes, catch-up). */
  #markSettled: () => void = () => {};
  #settled: Promise<void> = new Promise((r) => (this.#markSettled = r));

  constructor(opts: SealroomClientOptions) {
    super();
    this.store = opts.store;
    this.serverUrl = opts.serverUrl;
    this.#autoAccept = opts.autoAccept ?? 'none';
    this.#checkpointEveryMs = opts.checkpointIntervalMs ?? DEFAULT_CHECKPOINT_INTERVAL_MS;
  }

  readonly #checkpointEveryMs: number;
  #checkpointTimer: NodeJS.Timeout | null = null;

  /** Checkpoint every active room we have sent to since its last checkpoint. */
  async #checkpointDue(): Promise<void> {
    const { ctx } = this.#need();
    for (const r of await ctx.store.listRooms())
      if (r.status === 'active' && (r.chain?.n ?? 0) > (r.checkpointN ?? 0)) await this.checkpoint(r.roomId).catch((e: unknown) => this.#warn(r.roomId, e));
  }

  /** Load the identity if there is one and connect. Without one, call `onboard(handle)` first. */
  async start(): Promise<void> {
    const enc = await this.store.getIdentity();
    if (enc) await this.#boot(decodeIdentity(enc));
  }

  /** Create this device's identity for `handle` (first run) and connect. */
  async onboard(handle: string): Promise<void> {
    if (await this.store.getIdentity()) throw new SealroomError(ProxyErrorCode.IdentityExists, 'this device already has an identity');
    const identity = await generateIdentity(handle);
    // Register before keeping anything: a taken handle must fail here, not leave a useless identity behind.
    await probeRegistration(this.serverUrl, identity);
    await this.store.setIdentity(encodeIdentity(identity));
    await this.#boot(identity);
    await this.#ready(10_000);
  }

  get handle(): string | null {
    return this.#ctx?.identity.handle ?? null;
  }
  get connected(): boolean {
    return this.#ctx?.relay.ready ?? false;
  }
  async myFingerprint(): Promise<string | null> {
    return this.#ctx ? fingerprint(this.#ctx.identity.publicKey) : null;
  }

  async #boot(identity: Identity): Promise<void> {
    const store = this.store;
    // Structural checks only inside ts-mls; keys are decided by the identity gate after each operation.
    const config = makeClientConfig(createAuthenticationService());
    const relay = new RelayConnection(this.serverUrl, identity);
    const security = new SecurityLog(store, this);
    const contacts = new ContactBook(store, identity, security, this);
    await contacts.load();
    const ctx: EngineContext = {
      store,
      relay,
      identity,
      config,
      mutex: new KeyedMutex(),
      groups: new GroupCache(config),
      events: this,
      gate: new IdentityGate(relay, store, identity),
      contacts,
      security,
    };
    this.#ctx = ctx;
    const sync = new RoomSync(ctx, (roomId, f) => this.#chores?.followUp(roomId, f));
    this.#sync = sync;
    this.#outbox = new OutboxDelivery(ctx, sync, (ms, fn) => this.#later(ms, fn));
    this.#chores = new RoomChores(
      ctx,
      sync,
      (ms, fn) => this.#later(ms, fn),
      (roomId, p) => this.#sendPayload(roomId, p),
      (roomId, e) => this.#warn(roomId, e),
    );
    this.#membership = new RoomMembership(
      ctx,
      sync,
      (roomId) => this.#sendPayload(roomId, { type: 'meta.request' }),
      (roomId, e) => this.#warn(roomId, e),
    );
    this.#invitations = new Invitations(ctx, sync, this.#autoAccept, (roomId) => this.leave(roomId));
    relay.on('ready', () => {
      this.emit('status', { connected: true });
      void this.#onReady().then(
        () => this.#markSettled(),
        (e: unknown) => this.#warn(null, e),
      );
    });
    relay.on('down', () => this.emit('status', { connected: false }));
    relay.on('error', (e) => this.#warn(null, e));
    relay.on('entry', (e) => void this.#sync?.onEntry(e).catch((err: unknown) => this.#warn(e.roomId, err)));
    relay.on('welcome', (w) => void this.#onWelcome(w).catch((err: unknown) => this.#warn(w.roomId, err)));
    relay.start();
    this.#checkpointTimer = setInterval(() => {
      if (this.connected) void this.#checkpointDue().catch((e: unknown) => this.#warn(null, e));
    }, this.#checkpointEveryMs);
    this.#checkpointTimer.unref();
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const t of this.#timers) clearTimeout(t);
    if (this.#checkpointTimer) clearInterval(this.#checkpointTimer);
    this.#ctx?.relay.close();
  }

  #warn(roomId: string | null, e: unknown): void {
    const code = e instanceof SealroomError ? e.code : ClientErrorCode.Internal;
    const text = e instanceof Error ? e.message : String(e);
    this.emit('warning', { roomId, code, text });
    // A relay that answers with junk or contradicts MLS is a security matter, not a log line.
    if (code === ClientErrorCode.RelayContradicted || code === ClientErrorCode.BadAnswer)
      void this.#ctx?.security.report({ kind: 'relay-contradicted', roomId, handle: null, code, text }).catch(() => {});
  }

  #need(): { ctx: EngineContext; sync: RoomSync; outbox: OutboxDelivery; invitations: Invitations; membership: RoomMembership } {
    if (!this.#ctx || !this.#sync || !this.#outbox || !this.#invitations || !this.#membership)
      throw new SealroomError(ProxyErrorCode.NoIdentity, 'no identity yet: onboard first');
    return { ctx: this.#ctx, sync: this.#sync, outbox: this.#outbox, invitations: this.#invitations, membership: this.#membership };
  }

  /** Connected, and the first round after connecting (key packages published, catch-up) is done. */
  async #ready(timeoutMs: number): Promise<void> {
    await this.#need().ctx.relay.waitReady(timeoutMs);
    let t: NodeJS.Timeout | undefined;
    await Promise.race([
      this.#settled,
      new Promise((_, reject) => (t = setTimeout(() => reject(new SealroomError(ClientErrorCode.Timeout, 'first sync did not finish')), timeoutMs))),
    ]).finally(() => clearTimeout(t));
  }

  /** Key packages are replenished one batch at a time: two racing uploads could orphan a last-resort package. */
  #replenish(): Promise<number> {
    const { ctx } = this.#need();
    return ctx.mutex.run('\0key-packages', () => replenishKeyPackages(ctx.store, ctx.relay, ctx.identity));
  }

  async #onReady(): Promise<void> {
    const { ctx, sync } = this.#need();
    await this.#replenish();
    // The relay pages Welcomes by bytes; each one handled is acknowledged (and so leaves the list), so ask
    // again until a page brings nothing new. One bad Welcome or room must not stop the others (a member can
    // make the relay store junk for us). Bounded, in case a relay keeps answering the same page.
    const seen = new Set<number>();
    for (let page = 0; page < MAX_WELCOME_PAGES; page++) {
      const fresh = expectOk(await ctx.relay.request('welcome.list', {})).welcomes.filter((x) => !seen.has(x.id));
      if (fresh.length === 0) break;
      for (const x of fresh) {
        seen.add(x.id);
        await this.#onWelcome(x).catch((e: unknown) => this.#warn(x.roomId, e));
      }
    }
    for (const r of await ctx.store.listRooms()) {
      if (r.status !== 'active') continue;
      await this.#catchUp(r.roomId, CATCH_UP_RETRY_FIRST_MS);
      this.#chores?.checkPendingLeaves(r.roomId, 0);
    }
    await this.#need().outbox.flush();
    // After a reconnect: tell the rooms what we sent and saw (a dropped last message shows up now).
    await this.#checkpointDue();
  }

  /** A Welcome for us (RFC 9420 §12.4.3.1): it becomes a pending invitation (see Invitations). */
  async #onWelcome(w: Parameters<Invitations['receive']>[0]): Promise<void> {
    const { invitations } = this.#need();
    await invitations.receive(w);
    void this.#replenish().catch(() => {});
  }

  /**
   * Resend a pending commit, then catch the room up. A failure that may pass (timeout, rate limit, relay
   * error, a dropped connection) is retried with backoff while connected: in 0.1 one failed catch-up after a
   * reconnect left the room behind until the next reconnect.
   */
  async #catchUp(roomId: string, retryMs: number): Promise<void> {
    const { ctx, sync } = this.#need();
    try {
      await ctx.mutex.run(roomId, async (held) => {
        await sync.flushPendingCommit(held);
        await sync.syncHeld(held);
      });
    } catch (e) {
      this.#warn(roomId, e);
      if (e instanceof SealroomError && PERMANENT.has(e.code)) return;
      this.#later(retryMs, async () => {
        if (ctx.relay.ready) await this.#catchUp(roomId, Math.min(retryMs * 2, CATCH_UP_RETRY_MAX_MS));
      });
    }
  }

  #later(ms: number, fn: () => Promise<unknown>): void {
    if (this.#closed) return;
    const t = setTimeout(() => {
      this.#timers.delete(t);
      if (!this.#closed) void fn().catch((e: unknown) => this.#warn(null, e));
    }, ms);
    this.#timers.add(t);
  }

  // ---- commands (the local API maps onto these one to one) ----

  async listRooms(): Promise<RoomSummary[]> {
    const { ctx } = this.#need();
    // A declined invitation was entered only to leave it properly; it is not one of the user's rooms.
    return (await ctx.store.listRooms()).filter((r) => r.declined !== true).map((r) => summarize(ctx, r));
  }

  async getRoom(roomId: string): Promise<RoomSummary> {
    const { ctx, sync } = this.#need();
    return summarize(ctx, await sync.room(roomId));
  }

  /** A new room: a one-member MLS group whose group id is the room id (RFC 9420 §11). */
  createRoom(name: string, open: boolean): Promise<RoomSummary> {
    return this.#need().membership.createRoom(name, open);
  }

  /** Join an open room by external commit (RFC 9420 §12.4.3.2), retrying if the epoch moves under us. */
  joinRoom(roomId: string): Promise<RoomSummary> {
    return this.#need().membership.join(roomId);
  }

  /** Rejoin an open room that is out of sync on this device (an external commit replacing our old leaf). */
  rejoin(roomId: string): Promise<RoomSummary> {
    return this.#need().membership.rejoin(roomId);
  }

  /** Invite `handle`: its key package is checked against the relay's binding and our contacts first. */
  invite(roomId: string, handle: string): Promise<void> {
    return this.#need().membership.invite(roomId, handle);
  }

  remove(roomId: string, handle: string): Promise<void> {
    return this.#need().membership.remove(roomId, handle);
  }

  /** Rotate our keys in a room: an update commit (RFC 9420 §12.4.1) moves everyone to a fresh epoch. */
  rotateKeys(roomId: string): Promise<void> {
    return this.#need().membership.rotateKeys(roomId);
  }

  /** Propose our own removal (another member commits it), then stop following the room. */
  leave(roomId: string): Promise<void> {
    return this.#need().membership.leave(roomId);
  }

  members(roomId: string): Promise<Member[]> {
    return this.#need().membership.members(roomId);
  }

  // ---- contacts, invitations, security events ----

  contacts(): Promise<Contact[]> {
    return this.#need().ctx.contacts.list();
  }
  safetyNumber(handle: string): Promise<SafetyNumber> {
    return this.#need().ctx.contacts.safetyNumber(handle);
  }
  verify(handle: string, digits?: string): Promise<Contact> {
    return this.#need().ctx.contacts.verify(handle, digits);
  }

  /** Accept a contact's changed key; rooms held on it resume from the commit that brought it. */
  async trust(handle: string): Promise<Contact> {
    const { ctx, sync } = this.#need();
    const contact = await ctx.contacts.trust(handle);
    for (const r of await ctx.store.listRooms()) {
      // Only rooms waiting on this contact; one held on another contact stays held.
      if (r.status !== 'held' || !(r.heldFor ?? []).includes(handle)) continue;
      await ctx.mutex
        .run(r.roomId, async (held) => {
          const room = await sync.room(r.roomId);
          if (room.status !== 'held') return;
          await sync.save(held, transition(room, { type: 'resume' }));
          await sync.syncHeld(held);
        })
        .catch((e: unknown) => this.#warn(r.roomId, e));
    }
    return contact;
  }

  invitations(): Promise<Invitation[]> {
    return this.#need().invitations.list();
  }
  acceptInvitation(roomId: string): Promise<RoomSummary> {
    return this.#need().invitations.accept(roomId);
  }
  declineInvitation(roomId: string): Promise<void> {
    return this.#need().invitations.decline(roomId);
  }
  securityEvents(after = 0, limit = 200): Promise<SecurityEvent[]> {
    return this.#need().ctx.store.listEvents(after, limit);
  }

  async messages(roomId: string, limit = 200): Promise<ChatMessage[]> {
    const { ctx, sync } = this.#need();
    await sync.room(roomId);
    return ctx.store.listMessages(roomId, limit);
  }

  /**
   * Encrypt once, persist, send; resolves when the relay has durably accepted the message, or with it still
   * `sending` (queued in the outbox) if the relay cannot take it now. With `clientId` (a script's own id for
   * the message), sending again under the same id returns the message already stored — never a second one.
   */
  async sendText(roomId: string, text: string, opts: { clientId?: string } = {}): Promise<ChatMessage> {
    const { ctx, outbox } = this.#need();
    const once = opts.clientId !== undefined;
    const id = opts.clientId === undefined ? randomId() : clientMessageId(ctx.identity, roomId, opts.clientId);
    if (once) {
      const stored = await ctx.store.getMessage(roomId, id);
      // Someone else's message under our keyed id cannot happen short of a broken HMAC; never return it as ours.
      if (stored && !stored.own) throw new SealroomError(ClientErrorCode.Internal, 'message id already taken by another sender');
      if (stored) return stored;
    }
    const time = Date.now();
    const local: ChatMessage = { id, roomId, sender: ctx.identity.handle, text, time, seq: null, state: 'sending', own: true };
    const payload: UnchainedPayload = { v: APP_PAYLOAD_VERSION, type: 'text', id: id as MessageId, time, text };
    try {
      await outbox.sendPayload(roomId, payload, local, id, { once });
    } catch (e) {
      const m = await ctx.store.getMessage(roomId, id);
      if (m?.state === 'sending') return m; // still in the outbox; goes out on reconnect
      throw e;
    }
    return (await ctx.store.getMessage(roomId, id)) ?? local;
  }

  async #sendPayload(roomId: string, p: ControlPayload): Promise<void> {
    const id = randomId() as MessageId;
    await this.#need().outbox.sendPayload(roomId, { v: APP_PAYLOAD_VERSION, id, time: Date.now(), ...p }, null, id);
  }

  /**
   * Send this device's view of the room (tamper-evident history): the chain head it has seen of every
   * sender. Its own counter lets others notice our last messages if the relay dropped them; `seen` lets
   * them notice what the relay withheld from them. Sent after each reconnect's catch-up and every
   * `checkpointIntervalMs` while we have sent something since the last one.
   */
  async checkpoint(roomId: string): Promise<void> {
    const { ctx } = this.#need();
    const room = await ctx.store.getRoom(roomId);
    if (!room || room.status !== 'active') return;
    const seen = Object.fromEntries(Object.entries(room.senders ?? {}).map(([h, s]) => [h, s.n])) as Record<Handle, number>;
    await this.#sendPayload(roomId, { type: 'checkpoint', seen });
    await ctx.mutex.run(roomId, async (held) => {
      const r = await ctx.store.getRoom(roomId);
      if (r) await this.#need().sync.write(held, { room: { ...r, checkpointN: r.chain?.n ?? 0 } });
    });
  }

  /** Wait until the relay connection is authenticated. */
  waitConnected(timeoutMs = 10_000): Promise<void> {
    return this.#ready(timeoutMs);
  }

  /** For tests and diagnostics: the epoch authenticator (equal across members of one epoch). */
  async epochAuthenticator(roomId: string): Promise<string> {
    const { ctx, sync } = this.#need();
    return epochAuthenticatorOf(ctx.groups.get(await sync.room(roomId)));
  }

  /** Catch a room up with the relay now. */
  async syncRoom(roomId: string): Promise<RoomSummary> {
    const { ctx, sync } = this.#need();
    return summarize(ctx, await sync.sync(roomId));
  }
}
