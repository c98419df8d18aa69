import {
  ClientErrorCode,
  ProxyErrorCode,
  RelayErrorCode,
  SealroomError,
  toBase64,
  type ChatMessage,
  type MessageId,
  type RoomId,
} from '@sealroom/protocol';
import { encodeGroup, encryptApplication, hasPendingProposals } from '@sealroom/mls';
import type { OutboxItem, RoomRecord } from './client-store.js';
import type { EngineContext } from './engine-context.js';
import { nextOwnChain, type UnchainedPayload } from './history-chain.js';
import type { Held } from './keyed-mutex.js';
import { MAX_COMMIT_ATTEMPTS, PERMANENT, type RoomSync } from './room-sync.js';

const MAX_SEND_ATTEMPTS = 6;
const RETRY_FIRST_MS = 500;
const RETRY_MAX_MS = 30_000;

/**
 * The outbox, as one queue per room (docs/reliability.md "Order"). A room's messages reach the relay in the
 * order they were encrypted, one at a time: MLS receivers keep only so many skipped generations
 * (ts-mls: 200 forward), so a message that overtook an older, stuck one by more than that would be
 * unreadable everywhere though its sender shows it as sent. When the oldest message of a room cannot be
 * sent, the room's queue stalls — newer messages wait in the outbox behind it — and is retried with
 * backoff (and at every reconnect) until it drains.
 */
export class OutboxDelivery {
  /** Per room: the tail of its delivery queue. */
  readonly #lanes = new Map<string, Promise<unknown>>();
  /** Rooms whose oldest undelivered message could not be sent yet, with the next retry delay. */
  readonly #stalled = new Map<string, number>();
  /** Rooms with a retry timer pending. */
  readonly #retrying = new Set<string>();
  /**
   * Rooms whose stored rows this process has already sent in order (or found none): from then on every row
   * goes through the lane, so a new message has nothing older to send first and the outbox need not be read
   * (and decrypted) on every send. A stall clears it.
   */
  readonly #inOrder = new Set<string>();
  #lastQueued = 0;

  constructor(
    private readonly ctx: EngineContext,
    private readonly sync: RoomSync,
    /** Run `fn` after `ms` unless the client closed meanwhile. */
    private readonly later: (ms: number, fn: () => Promise<unknown>) => void,
  ) {}

  /**
   * Encrypt an application payload, persist ciphertext + new state + outbox entry in one write, then
   * deliver. Returns once the relay has durably accepted it (or throws, leaving it in the outbox). With
   * `once`, a message already stored under `msgId` is not sent again (checked under the room's lock).
   */
  async sendPayload(roomId: string, payload: UnchainedPayload, local: ChatMessage | null, msgId: string, opts: { once?: boolean } = {}): Promise<number> {
    const { sync } = this;
    sync.assertNoChangedKeys(await sync.activeRoom(roomId));
    for (let attempt = 0; attempt < MAX_COMMIT_ATTEMPTS; attempt++) {
      await sync.commitPendingProposals(roomId);
      const item = await this.ctx.mutex.run(roomId, async (held) => {
        const room = await sync.activeRoom(roomId);
        sync.assertNoChangedKeys(room);
        // Checked again in the critical section that encrypts: a proposal that arrived since the commit
        // above must be committed first (RFC 9420 §12.2), so give the lock back and go round again.
        if (hasPendingProposals(this.ctx.groups.get(room))) return null;
        // `once`: the id was chosen by the caller (a script's retry), and a message under it exists already.
        if (opts.once === true && (await this.ctx.store.getMessage(roomId, msgId)) !== null) return 'exists' as const;
        // The chain counter is assigned once, here, and saved with the ciphertext: a re-encryption into a new
        // epoch reuses the same plaintext, so a payload keeps its place in the sender's chain.
        const { plain, room: chained } = nextOwnChain(room, payload);
        return this.#encrypt(held, chained, { msgId, plain, queued: this.#nextQueued() }, local ? [local] : []);
      });
      if (item === 'exists') return (await this.ctx.store.getMessage(roomId, msgId))?.seq ?? 0;
      if (item) return this.#deliver(item);
    }
    throw new SealroomError(RelayErrorCode.StaleEpoch, 'gave up: proposals kept arriving faster than they could be committed');
  }

  /** After a reconnect: every room's undelivered messages go out again, same bytes, same ids, in order. */
  async flush(): Promise<void> {
    const rooms = new Set((await this.ctx.store.listOutbox()).filter((i) => i.ackedSeq === undefined).map((i) => i.roomId));
    for (const roomId of rooms) await this.#flushRoom(roomId).catch(() => undefined);
  }

  #nextQueued(): number {
    this.#lastQueued = Math.max(Date.now() * 1000, this.#lastQueued + 1);
    return this.#lastQueued;
  }

  /** Run `fn` after everything queued for the room before it. */
  #inLane<T>(roomId: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.#lanes.get(roomId) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.#lanes.set(roomId, tail);
    void tail.then(() => {
      if (this.#lanes.get(roomId) === tail) this.#lanes.delete(roomId);
    });
    return run;
  }

  /**
   * A new message: behind the room's queue; refused (it stays in the outbox) while the queue is stalled. Older
   * rows still waiting (after a restart, before the reconnect's flush) go out first, so order holds then too.
   */
  #deliver(item: OutboxItem): Promise<number> {
    return this.#inLane(item.roomId, async () => {
      if (this.#stalled.has(item.roomId)) throw queuedBehind();
      if (!this.#inOrder.has(item.roomId)) {
        for (const older of await this.#waiting(item.roomId)) {
          if (older.msgId === item.msgId || (older.queued ?? 0) >= (item.queued ?? Number.MAX_SAFE_INTEGER)) continue;
          if (!(await this.#sendOrStall(older))) throw queuedBehind();
        }
        this.#inOrder.add(item.roomId);
      }
      try {
        return await this.#send(item);
      } catch (e) {
        if (await this.#stillWaiting(item)) this.#stall(item.roomId);
        throw e;
      }
    });
  }

  /** A room's rows not yet accepted by the relay, oldest first. */
  async #waiting(roomId: string): Promise<OutboxItem[]> {
    return (await this.ctx.store.listOutbox())
      .filter((i) => i.roomId === roomId && i.ackedSeq === undefined)
      .sort((a, b) => (a.queued ?? 0) - (b.queued ?? 0));
  }

  /** Still in the outbox and not accepted: a failure that did not mark it failed, so the queue must wait. */
  async #stillWaiting(item: OutboxItem): Promise<boolean> {
    const row = await this.ctx.store.getOutboxItem(item.roomId, item.msgId);
    return row !== null && row.ackedSeq === undefined;
  }

  /** Send one row; false (and the room stalled) if it is still waiting afterwards. */
  async #sendOrStall(item: OutboxItem): Promise<boolean> {
    try {
      await this.#send(item);
      return true;
    } catch {
      if (!(await this.#stillWaiting(item))) return true; // refused for good and marked failed: the next may go
      this.#stall(item.roomId);
      return false;
    }
  }

  #stall(roomId: string): void {
    this.#inOrder.delete(roomId);
    const delay = this.#stalled.get(roomId) ?? RETRY_FIRST_MS;
    this.#stalled.set(roomId, Math.min(delay * 2, RETRY_MAX_MS));
    // One pending retry per room, however many failures and reconnects stalled it meanwhile.
    if (this.#retrying.has(roomId)) return;
    this.#retrying.add(roomId);
    this.later(delay, () => {
      this.#retrying.delete(roomId);
      return this.#flushRoom(roomId);
    });
  }

  /** Send a room's undelivered messages oldest first; stop (and stall) at the first that cannot go yet. */
  #flushRoom(roomId: string): Promise<void> {
    return this.#inLane(roomId, async () => {
      for (const item of await this.#waiting(roomId)) if (!(await this.#sendOrStall(item))) return;
      this.#stalled.delete(roomId);
      this.#inOrder.add(roomId);
    });
  }

  /** Send one outbox item until the relay accepts it; re-encrypt only if the relay says its epoch is over. */
  async #send(first: OutboxItem): Promise<number> {
    let item = first;
    for (let attempt = 0; attempt < MAX_SEND_ATTEMPTS; attempt++) {
      // Delivered meanwhile (a flush got there first): nothing to send again.
      const current = await this.ctx.store.getOutboxItem(item.roomId, item.msgId);
      if (!current || current.ackedSeq !== undefined) return current?.ackedSeq ?? (await this.ctx.store.getMessage(item.roomId, item.msgId))?.seq ?? 0;
      item = current;
      const res = await this.ctx.relay.request('room.send', {
        roomId: item.roomId as RoomId,
        epoch: item.epoch,
        msgId: item.msgId as MessageId,
        kind: 'application',
        data: item.data,
      });
      if (res.ok) {
        await this.#markSent(item, res.seq);
        return res.seq;
      }
      if (res.code !== RelayErrorCode.StaleEpoch) {
        // Rate limits and relay failures are passing: the item stays in the outbox for the next flush.
        if (PERMANENT.has(res.code)) await this.#markFailed(item);
        throw new SealroomError(res.code, res.message ?? res.code);
      }
      // Never accepted: the old ciphertext is discarded and the same payload encrypted in the new epoch.
      await this.sync.commitPendingProposals(item.roomId).catch(() => undefined);
      const again = await this.ctx.mutex.run(item.roomId, async (held) => {
        const room = await this.sync.syncHeld(held);
        const still = await this.ctx.store.getOutboxItem(item.roomId, item.msgId);
        if (!still) return null;
        if (room.status !== 'active') {
          await this.#markFailedIn(held, room, item);
          throw new SealroomError(ProxyErrorCode.NotMember, `not a member of room ${item.roomId}`);
        }
        return this.#encrypt(held, room, still, []);
      });
      if (!again) return (await this.ctx.store.getMessage(item.roomId, item.msgId))?.seq ?? 0;
      item = again;
    }
    // Not a refusal: the room kept moving. The row stays queued and the room's queue retries it later.
    throw new SealroomError(ClientErrorCode.Timeout, 'the room kept changing epoch while sending; it will be retried');
  }

  /** Encrypt in the room's current epoch and persist ciphertext, new state and outbox row in one write. */
  async #encrypt(held: Held, room: RoomRecord, o: Pick<OutboxItem, 'msgId' | 'plain' | 'queued'>, messages: ChatMessage[]): Promise<OutboxItem> {
    held.assert(room.roomId);
    const group = this.ctx.groups.get(room);
    const { group: next, message } = await encryptApplication(group, new TextEncoder().encode(o.plain));
    const bytes = encodeGroup(next);
    this.ctx.groups.set(room.roomId, bytes, next);
    const item: OutboxItem = { roomId: room.roomId, msgId: o.msgId, epoch: room.epoch, data: toBase64(message), plain: o.plain, ...(o.queued !== undefined ? { queued: o.queued } : {}) };
    await this.sync.save(held, { ...room, group: bytes }, messages, { put: [item] });
    return item;
  }

  async #markSent(item: OutboxItem, seq: number): Promise<void> {
    await this.ctx.mutex.run(item.roomId, async (held) => {
      const room = await this.sync.room(item.roomId);
      const m = await this.ctx.store.getMessage(item.roomId, item.msgId);
      const messages = m && (m.state !== 'sent' || m.seq !== seq) ? [{ ...m, state: 'sent' as const, seq }] : [];
      const still = (await this.ctx.store.getOutboxItem(item.roomId, item.msgId)) !== null;
      // Keep the row until the log entry is applied (it marks the entry as ours); if it already was, drop it.
      // No MLS state changes here, so the room record is not rewritten.
      if (room.lastSeq >= seq || !still) await this.sync.write(held, { messages, outboxDelete: [item.msgId] });
      else await this.sync.write(held, { messages, outboxPut: [{ ...item, ackedSeq: seq }] });
      for (const x of messages) this.ctx.events.emit('message', x);
    });
  }

  async #markFailed(item: OutboxItem): Promise<void> {
    await this.ctx.mutex.run(item.roomId, async (held) => this.#markFailedIn(held, await this.sync.room(item.roomId), item));
  }

  async #markFailedIn(held: Held, room: RoomRecord, item: OutboxItem): Promise<void> {
    held.assert(room.roomId);
    const m = await this.ctx.store.getMessage(item.roomId, item.msgId);
    await this.sync.save(held, room, m ? [{ ...m, state: 'failed' }] : [], { del: [item.msgId] });
  }
}

const queuedBehind = (): SealroomError =>
  new SealroomError(ClientErrorCode.Disconnected, 'queued behind an earlier message of this room that the relay has not accepted yet');
