import type { EventEmitter } from 'node:events';
import { ClientErrorCode, ProxyErrorCode, SealroomError, type Contact, type SafetyNumber } from '@sealroom/protocol';
import { fingerprint, safetyNumber, safetyNumberGroups, type Identity } from '@sealroom/mls';
import type { ClientStore, ContactRecord, ContactWrite } from './client-store.js';
import type { ClientEvents } from './client-events.js';
import type { SecurityLog } from './security-log.js';

/** What the QR code on the verification screen encodes; the other device compares it with its own number. */
export const SAFETY_QR_PREFIX = 'sealroom:safety-number:v1:';

/**
 * The user's contacts: trust on first use, verification by safety number, and key changes that wait for
 * the user. Keeps the set of `changed` handles in memory so that sending can be blocked cheaply.
 */
export class ContactBook {
  readonly #changed = new Set<string>();
  /** Accepted identity key (hex) per handle, so that room summaries can compare leaves cheaply. */
  readonly #keys = new Map<string, string>();

  constructor(
    private readonly store: ClientStore,
    private readonly self: Identity,
    private readonly security: SecurityLog,
    private readonly events: EventEmitter<ClientEvents>,
  ) {}

  async load(): Promise<void> {
    for (const c of await this.store.listContacts()) this.#remember(c);
  }

  #remember(r: ContactRecord): void {
    if (r.state === 'changed') this.#changed.add(r.handle);
    else this.#changed.delete(r.handle);
    this.#keys.set(r.handle, hex(r.identityKey));
  }

  /**
   * Members nothing may be encrypted to: a changed key not accepted yet, or a leaf whose key is not the
   * contact's accepted one (e.g. the old key after the user accepted a new one).
   */
  untrustedAmong(members: readonly { handle: string; publicKey: Uint8Array }[]): string[] {
    const out = new Set<string>();
    for (const m of members) {
      const k = this.#keys.get(m.handle);
      if (this.#changed.has(m.handle) || (k !== undefined && k !== hex(m.publicKey))) out.add(m.handle);
    }
    return [...out];
  }

  /** Handles among `handles` whose changed key the user has not accepted yet. */
  changedAmong(handles: readonly string[]): string[] {
    return handles.filter((h) => this.#changed.has(h));
  }

  /** Call after contact records were persisted (by any write): updates the cache and tells listeners. */
  async written(writes: readonly ContactWrite[]): Promise<void> {
    for (const { next } of writes) {
      this.#remember(next);
      this.events.emit('contact', await toContact(next));
    }
  }

  async list(): Promise<Contact[]> {
    return Promise.all((await this.store.listContacts()).map(toContact));
  }

  async states(handles: readonly string[]): Promise<Map<string, ContactRecord>> {
    return this.store.getContacts(handles);
  }

  async #get(handle: string): Promise<ContactRecord> {
    const c = (await this.store.getContacts([handle])).get(handle);
    if (!c) throw new SealroomError(ProxyErrorCode.UnknownContact, `no key known for ${handle} yet: share a room first`);
    return c;
  }

  async safetyNumber(handle: string): Promise<SafetyNumber> {
    const c = await this.#get(handle);
    const digits = safetyNumber(this.self, { handle: c.handle, publicKey: c.identityKey });
    return { handle, digits, groups: safetyNumberGroups(digits), qr: `${SAFETY_QR_PREFIX}${digits}`, state: c.state };
  }

  /** Mark the accepted key verified; `digits`, when given, must be the number the user compared. */
  async verify(handle: string, digits?: string): Promise<Contact> {
    const c = await this.#get(handle);
    if (c.state === 'changed')
      throw new SealroomError(ClientErrorCode.KeyChanged, `${handle}'s key changed: accept the new key first (sealroom trust ${handle}), then compare again`);
    if (digits !== undefined && digits !== (await this.safetyNumber(handle)).digits)
      throw new SealroomError(ProxyErrorCode.SafetyNumberMismatch, `that is not the current safety number for ${handle}`);
    // Only if the contact is still the one whose number was compared (a key change meanwhile wins).
    const w: ContactWrite = { next: { ...c, state: 'verified', verifiedAt: Date.now() }, prev: c };
    await this.store.putContacts([w]);
    await this.written([w]);
    const next = w.next;
    await this.security.report({ kind: 'contact-verified', roomId: null, handle, code: null, text: `you verified ${handle}'s safety number` });
    return toContact(next);
  }

  /** Accept a changed key: it becomes the contact's key, unverified. */
  async trust(handle: string): Promise<Contact> {
    const c = await this.#get(handle);
    if (c.state !== 'changed' || c.pendingKey === null) return toContact(c);
    const w: ContactWrite = { next: { ...c, identityKey: c.pendingKey, pendingKey: null, state: 'new', verifiedAt: null }, prev: c };
    await this.store.putContacts([w]);
    await this.written([w]);
    const next = w.next;
    await this.security.report({
      kind: 'key-accepted',
      roomId: null,
      handle,
      code: null,
      text: `you accepted ${handle}'s new key (${await fingerprint(next.identityKey)}); it is not verified`,
    });
    return toContact(next);
  }
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

export async function toContact(r: ContactRecord): Promise<Contact> {
  return {
    handle: r.handle,
    fingerprint: await fingerprint(r.identityKey),
    state: r.state,
    firstSeen: r.firstSeen,
    verifiedAt: r.verifiedAt,
    pendingFingerprint: r.pendingKey ? await fingerprint(r.pendingKey) : null,
  };
}
