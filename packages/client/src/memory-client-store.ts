import type { ChatMessage } from '@sealroom/protocol';
import { MemoryKeyDirectory, type PinResult } from '@sealroom/mls';
import type { ClientStore, OutboxItem, OwnKeyPackageRecord, RoomRecord, RoomWrite } from './client-store.js';

/** A ClientStore in memory: for tests, bots and benchmarks that need no persistence. */
export class MemoryClientStore implements ClientStore {
  #identity: string | null = null;
  readonly #kps = new Map<string, OwnKeyPackageRecord>();
  readonly #rooms = new Map<string, RoomRecord>();
  readonly #messages = new Map<string, Map<string, ChatMessage>>();
  readonly #outbox = new Map<string, OutboxItem>();
  readonly #pins = new MemoryKeyDirectory();

  async getIdentity() {
    return this.#identity;
  }
  async setIdentity(encoded: string) {
    this.#identity = encoded;
  }
  async checkAndPin(handle: string, key: Uint8Array): Promise<PinResult> {
    return this.#pins.checkAndPin(handle, key);
  }
  async putKeyPackages(kps: OwnKeyPackageRecord[]) {
    for (const k of kps) this.#kps.set(k.ref, k);
  }
  async getKeyPackage(ref: string) {
    return this.#kps.get(ref) ?? null;
  }
  async deleteKeyPackage(ref: string) {
    this.#kps.delete(ref);
  }
  async hasLastResortKeyPackage() {
    return [...this.#kps.values()].some((k) => k.lastResort);
  }
  async listRooms() {
    return [...this.#rooms.values()].map((r) => structuredClone(r));
  }
  async getRoom(roomId: string) {
    const r = this.#rooms.get(roomId);
    return r ? structuredClone(r) : null;
  }
  async writeRoom(w: RoomWrite) {
    if (w.room) this.#rooms.set(w.room.roomId, structuredClone(w.room));
    for (const m of w.messages ?? []) {
      let msgs = this.#messages.get(m.roomId);
      if (!msgs) this.#messages.set(m.roomId, (msgs = new Map()));
      msgs.set(m.id, { ...m });
    }
    for (const o of w.outboxPut ?? []) this.#outbox.set(o.msgId, { ...o });
    for (const id of w.outboxDelete ?? []) this.#outbox.delete(id);
  }
  async getMessage(roomId: string, id: string) {
    const m = this.#messages.get(roomId)?.get(id);
    return m ? { ...m } : null;
  }
  async listMessages(roomId: string, limit: number) {
    const all = [...(this.#messages.get(roomId)?.values() ?? [])].sort(compareMessages);
    return all.slice(-limit);
  }
  async listOutbox() {
    return [...this.#outbox.values()];
  }
  async getOutboxItem(roomId: string, msgId: string) {
    const o = this.#outbox.get(msgId);
    return o && o.roomId === roomId ? { ...o } : null;
  }
  async close() {}
}

/** Timeline order: relay sequence first (the one order every member shares), unsent messages last. */
export function compareMessages(a: ChatMessage, b: ChatMessage): number {
  if (a.seq !== null && b.seq !== null) return a.seq - b.seq;
  if (a.seq !== null) return -1;
  if (b.seq !== null) return 1;
  return a.time - b.time;
}
