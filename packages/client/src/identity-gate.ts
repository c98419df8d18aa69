import {
  ClientErrorCode,
  Limits,
  MlsErrorCode,
  SealroomError,
  fromBase64,
  identityLookupAnswer,
  missingCaseError,
  type Handle,
} from '@sealroom/protocol';
import type { Identity } from '@sealroom/mls';
import type { ClientStore, ContactWrite, NewSecurityEvent } from './client-store.js';
import type { RelayConnection } from './relay-connection.js';

/** A credential as an MLS operation presents it: a handle and the signature key bound to it. */
export type Credentialed = { handle: string; publicKey: Uint8Array };

export type GateRefusal = { handle: string; code: string; text: string };

/**
 * The outcome of checking every credential of one operation:
 * `ok` — all match; `contacts` are the records to persist *with* the operation (first sightings);
 * `changed` — a known contact offers a new key that the relay confirms: hold the operation, record the
 * contacts as `changed` (in `contacts`), tell the user;
 * `refused` — a credential does not match the relay's account binding (or is a duplicate): refuse it all.
 */
export type GateVerdict =
  | { kind: 'ok'; contacts: ContactWrite[] }
  | { kind: 'changed'; contacts: ContactWrite[]; handles: string[] }
  | { kind: 'refused'; refusals: GateRefusal[] };

const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && Buffer.from(a).equals(Buffer.from(b));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/**
 * The one authentication service Sealroom checks everywhere (RFC 9420 §5.3.1, §16.4). Every credential an
 * operation would accept — each leaf of a Welcome's or GroupInfo's tree, a claimed key package, the leaves
 * a commit adds or changes — must match (a) the relay's account binding for its handle (`identity.lookup`)
 * and (b) the local contact record. Stateless with respect to storage: it returns what to persist, and the
 * caller persists it only if the whole operation succeeds.
 */
export class IdentityGate {
  // No cache of the relay's answers: a relay that changes its binding for a handle must be seen the moment
  // it does. Lookups happen only when an operation brings new credentials (never per message).
  constructor(
    private readonly relay: RelayConnection,
    private readonly store: ClientStore,
    private readonly self: Identity,
  ) {}

  /**
   * Check `seen` (the credentials the operation introduces). `tree`, when given, is every leaf of the
   * resulting tree: two leaves sharing a signature key are refused (RFC 9420 §7.9.1 asks for unique keys).
   */
  async check(seen: readonly Credentialed[], tree?: readonly Credentialed[]): Promise<GateVerdict> {
    const refusals: GateRefusal[] = [];
    if (tree) {
      const byKey = new Map<string, string>();
      for (const m of tree) {
        const k = hex(m.publicKey);
        const prev = byKey.get(k);
        if (prev !== undefined)
          refusals.push({ handle: m.handle, code: MlsErrorCode.CredentialMismatch, text: `${prev} and ${m.handle} share one signature key` });
        byKey.set(k, m.handle);
      }
    }
    const others: Credentialed[] = [];
    for (const c of seen) {
      if (c.handle !== this.self.handle) others.push(c);
      else if (!same(c.publicKey, this.self.publicKey))
        refusals.push({ handle: c.handle, code: MlsErrorCode.CredentialMismatch, text: `a key that is not yours is offered under your own handle ${c.handle}` });
    }
    const bound = await this.#bindings([...new Set(others.map((c) => c.handle))]);
    for (const c of others) {
      const key = bound.get(c.handle);
      if (key === null || key === undefined)
        refusals.push({ handle: c.handle, code: MlsErrorCode.CredentialMismatch, text: `${c.handle} has no account at the relay` });
      else if (key !== hex(c.publicKey))
        refusals.push({ handle: c.handle, code: MlsErrorCode.CredentialMismatch, text: `the key offered for ${c.handle} is not ${c.handle}'s` });
    }
    if (refusals.length > 0) return { kind: 'refused', refusals };

    const known = await this.store.getContacts(others.map((c) => c.handle));
    const fresh = new Map<string, ContactWrite>();
    const changed = new Map<string, ContactWrite>();
    const now = Date.now();
    for (const c of others) {
      const k = known.get(c.handle);
      if (!k) {
        if (!fresh.has(c.handle))
          fresh.set(c.handle, {
            next: { handle: c.handle, identityKey: c.publicKey, firstSeen: now, state: 'new', verifiedAt: null, pendingKey: null },
            prev: null,
          });
      } else if (!same(k.identityKey, c.publicKey)) {
        // The relay vouches for the new key, but we knew another: never accepted silently (issue: key change).
        changed.set(c.handle, { next: { ...k, state: 'changed', verifiedAt: null, pendingKey: c.publicKey }, prev: k });
      }
    }
    if (changed.size > 0) return { kind: 'changed', contacts: [...changed.values()], handles: [...changed.keys()] };
    return { kind: 'ok', contacts: [...fresh.values()] };
  }

  /** The relay's binding for each handle, as hex (null: no account). The answer is parsed, never trusted. */
  async #bindings(handles: string[]): Promise<Map<string, string | null>> {
    const out = new Map<string, string | null>();
    for (let i = 0; i < handles.length; i += Limits.handlesPerLookup) {
      const batch = handles.slice(i, i + Limits.handlesPerLookup);
      const res: unknown = await this.relay.request('identity.lookup', { handles: batch as Handle[] });
      const failed = res as { ok?: unknown; code?: unknown; message?: unknown };
      if (failed.ok === false && typeof failed.code === 'string')
        throw new SealroomError(failed.code as never, typeof failed.message === 'string' ? failed.message : failed.code);
      const p = identityLookupAnswer.safeParse(res);
      if (!p.success || p.data.accounts.length !== batch.length || p.data.accounts.some((a, j) => a.handle !== batch[j]))
        throw new SealroomError(ClientErrorCode.RelayContradicted, 'the relay answered identity.lookup with something else than asked');
      for (const a of p.data.accounts) out.set(a.handle, a.identityKey === null ? null : hex(fromBase64(a.identityKey)));
    }
    return out;
  }
}

/** Security events for a verdict that is not `ok`. */
export function verdictEvents(v: GateVerdict, roomId: string | null, what: string): NewSecurityEvent[] {
  const kind = v.kind;
  switch (kind) {
    case 'ok':
      return [];
    case 'refused':
      return v.refusals.map((r) => ({ kind: 'credential-refused', roomId, handle: r.handle, code: r.code, text: `${what} refused: ${r.text}` }));
    case 'changed':
      return v.handles.map((h) => ({
        kind: 'key-changed',
        roomId,
        handle: h,
        code: ClientErrorCode.KeyChanged,
        text: `${h}'s identity key changed (${what}). Compare safety numbers with ${h}, then accept the new key.`,
      }));
    default:
      throw missingCaseError(kind);
  }
}

/** The error to throw for a verdict that stops a user's command. */
export function verdictError(v: Exclude<GateVerdict, { kind: 'ok' }>): SealroomError {
  if (v.kind === 'refused') return new SealroomError(v.refusals[0]!.code as never, v.refusals[0]!.text);
  const h = v.handles.join(', ');
  return new SealroomError(ClientErrorCode.KeyChanged, `${h}'s key changed: compare safety numbers, then accept it (sealroom trust ${v.handles[0]})`);
}
