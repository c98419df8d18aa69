import { ClientErrorCode, SealroomError, type ChatMessage, type SecurityEvent } from '@sealroom/protocol';
import {
  contactMatches,
  type ClientStore,
  type ContactRecord,
  type ContactWrite,
  type InvitationRecord,
  type NewSecurityEvent,
  type OutboxItem,
  type OwnKeyPackageRecord,
  type RoomRecord,
  type RoomWrite,
} from './client-store.js';

/** A ClientStore in memory: for tests, bots and benchmarks that need no persistence. */
export class MemoryClientStore implements ClientStore {
  #identity: string | null = null;
  readonly #kps = new Map<string, OwnKeyPackageRecord>();
  readonly #rooms = new Map<string, RoomRecord>();
  readonly #messages = new Map<string, Map<string, ChatMessage>>();
  readonly #outbox = new Map<string, OutboxItem>();
  readonly #contacts = new Map<string, ContactRecord>();
  readonly #invitations = new Map<string, InvitationRecord>();
  readonly #events: SecurityEvent[] = [];

  async getIdentity() {
    return this.#identity;
  }
  async setIdentity(encoded: string) {
    this.#identity = encoded;
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
    this.#checkContacts(w.contacts ?? []);
    if (w.room) this.#rooms.set(w.room.roomId, structuredClone(w.room));
    for (const m of w.messages ?? []) {
      let msgs = this.#messages.get(m.roomId);
      if (!msgs) this.#messages.set(m.roomId, (msgs = new Map()));
      msgs.set(m.id, { ...m });
    }
    if (w.room) for (const id of w.messagesDelete ?? []) this.#messages.get(w.room.roomId)?.delete(id);
    for (const o of w.outboxPut ?? []) this.#outbox.set(o.msgId, { ...o });
    for (const id of w.outboxDelete ?? []) this.#outbox.delete(id);
    for (const c of w.contacts ?? []) this.#contacts.set(c.next.handle, structuredClone(c.next));
    if (w.invitationDelete !== undefined) this.#invitations.delete(w.invitationDelete);
  }
  async getContacts(handles: readonly string[]) {
    const out = new Map<string, ContactRecord>();
    for (const h of handles) {
      const c = this.#contacts.get(h);
      if (c) out.set(h, structuredClone(c));
    }
    return out;
  }
  async listContacts() {
    return [...this.#contacts.values()].map((c) => structuredClone(c)).sort((a, b) => a.handle.localeCompare(b.handle));
  }
  async putContacts(contacts: ContactWrite[]) {
    this.#checkContacts(contacts);
    for (const c of contacts) this.#contacts.set(c.next.handle, structuredClone(c.next));
  }
  #checkContacts(writes: readonly ContactWrite[]): void {
    for (const w of writes)
      if (!contactMatches(this.#contacts.get(w.next.handle), w.prev))
        throw new SealroomError(ClientErrorCode.ContactConflict, `the contact ${w.next.handle} changed meanwhile`);
  }
  async putInvitation(inv: InvitationRecord) {
    this.#invitations.set(inv.roomId, structuredClone(inv));
  }
  async getInvitation(roomId: string) {
    const i = this.#invitations.get(roomId);
    return i ? structuredClone(i) : null;
  }
  async listInvitations() {
    return [...this.#invitations.values()].map((i) => structuredClone(i));
  }
  async deleteInvitation(roomId: string) {
    this.#invitations.delete(roomId);
  }
  async appendEvent(e: NewSecurityEvent): Promise<SecurityEvent> {
    const ev: SecurityEvent = { ...e, id: this.#events.length + 1, time: Date.now() };
    this.#events.push(ev);
    return { ...ev };
  }
  async listEvents(after: number, limit: number) {
    const newer = this.#events.filter((e) => e.id > after);
    return (after === 0 ? newer.slice(-limit) : newer.slice(0, limit)).map((e) => ({ ...e }));
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
  if (a.seq !== null && b.seq !== null) return a.seq - b.seq || a.time - b.time;
  if (a.seq !== null) return -1;
  if (b.seq !== null) return 1;
  return a.time - b.time;
}
