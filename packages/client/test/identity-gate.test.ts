import { describe, expect, it } from 'vitest';
import { generateIdentity, type Identity } from '@sealroom/mls';
import { toBase64 } from '@sealroom/protocol';
import { MemoryClientStore, type ContactRecord } from '../src/index.js';
import { IdentityGate, verdictError, verdictEvents } from '../src/identity-gate.js';
import type { RelayConnection } from '../src/relay-connection.js';

/** The relay side of identity.lookup: a binding table, or a hand-written (lying) answer. */
function relayWith(bindings: Map<string, Uint8Array>, answer?: (handles: string[]) => unknown) {
  const asked: string[][] = [];
  const relay = {
    async request(event: string, payload: { handles: string[] }) {
      expect(event).toBe('identity.lookup');
      asked.push(payload.handles);
      if (answer) return answer(payload.handles);
      return {
        ok: true,
        accounts: payload.handles.map((h) => ({ handle: h, identityKey: bindings.has(h) ? toBase64(bindings.get(h)!) : null })),
      };
    },
  } as unknown as RelayConnection;
  return { relay, asked };
}

const cred = (i: Identity) => ({ handle: i.handle, publicKey: i.publicKey });
const contact = (i: Identity, state: ContactRecord['state'] = 'new'): ContactRecord => ({
  handle: i.handle, identityKey: i.publicKey, firstSeen: 1, state, verifiedAt: state === 'verified' ? 2 : null, pendingKey: null,
});

describe('IdentityGate', async () => {
  const [me, bob, carol] = await Promise.all(['me', 'bob', 'carol'].map(generateIdentity)) as [Identity, Identity, Identity];
  const bob2 = await generateIdentity('bob');

  it('first sighting: ok, with a new contact to write alongside the operation (nothing written yet)', async () => {
    const store = new MemoryClientStore();
    const { relay } = relayWith(new Map([['bob', bob.publicKey]]));
    const v = await new IdentityGate(relay, store, me).check([cred(bob), cred(me)]);
    expect(v.kind).toBe('ok');
    expect(v.kind === 'ok' && v.contacts.map((c) => `${c.next.handle}:${c.next.state}:${String(c.prev)}`)).toEqual(['bob:new:null']);
    expect(await store.listContacts()).toEqual([]);
  });

  it('a key the relay binding contradicts is refused, naming the handle', async () => {
    const { relay } = relayWith(new Map([['bob', bob.publicKey]]));
    const v = await new IdentityGate(relay, new MemoryClientStore(), me).check([cred(bob2)]);
    expect(v).toMatchObject({ kind: 'refused', refusals: [{ handle: 'bob', code: 'ERR_MLS_CREDENTIAL_MISMATCH' }] });
    expect(verdictError(v as Exclude<typeof v, { kind: 'ok' }>).message).toBe("the key offered for bob is not bob's");
    expect(verdictEvents(v, 'r', 'x').map((e) => e.kind)).toEqual(['credential-refused']);
  });

  it('a handle without an account, a foreign key under my handle, and a shared signature key are refused', async () => {
    const { relay } = relayWith(new Map([['bob', bob.publicKey]]));
    const gate = new IdentityGate(relay, new MemoryClientStore(), me);
    expect((await gate.check([cred(carol)])).kind).toBe('refused');
    expect((await gate.check([{ handle: 'me', publicKey: bob.publicKey }])).kind).toBe('refused');
    const twin = { handle: 'bob', publicKey: carol.publicKey };
    const v = await gate.check([], [cred(carol), twin]);
    expect(v).toMatchObject({ kind: 'refused', refusals: [{ text: 'carol and bob share one signature key' }] });
  });

  it('a relay-confirmed key that differs from a known contact is a change: verified flag cleared, new key pending', async () => {
    const store = new MemoryClientStore();
    await store.putContacts([{ next: contact(bob, 'verified'), prev: null }]);
    const { relay } = relayWith(new Map([['bob', bob2.publicKey]]));
    const v = await new IdentityGate(relay, store, me).check([cred(bob2)]);
    expect(v.kind).toBe('changed');
    if (v.kind !== 'changed') return;
    expect(v.handles).toEqual(['bob']);
    expect(v.contacts[0]?.next).toMatchObject({ state: 'changed', verifiedAt: null, pendingKey: bob2.publicKey, identityKey: bob.publicKey });
    expect(v.contacts[0]?.prev).toEqual(contact(bob, 'verified'));
    expect(verdictError(v).code).toBe('ERR_CLIENT_KEY_CHANGED');
    expect(verdictEvents(v, null, 'x')[0]).toMatchObject({ kind: 'key-changed', handle: 'bob' });
  });

  it('a known key matches: ok with nothing to write', async () => {
    const store = new MemoryClientStore();
    await store.putContacts([{ next: contact(bob), prev: null }]);
    const { relay } = relayWith(new Map([['bob', bob.publicKey]]));
    expect(await new IdentityGate(relay, store, me).check([cred(bob)])).toEqual({ kind: 'ok', contacts: [] });
  });

  it('asks the relay every time (no cache), once per handle, in batches of at most 200', async () => {
    const { relay, asked } = relayWith(new Map([['bob', bob.publicKey]]));
    const gate = new IdentityGate(relay, new MemoryClientStore(), me);
    await gate.check([cred(bob), cred(bob)]);
    await gate.check([cred(bob)]);
    expect(asked).toEqual([['bob'], ['bob']]);
    const many = Array.from({ length: 450 }, (_, i) => ({ handle: `u${i}`, publicKey: new Uint8Array(32).fill(i % 256) }));
    await gate.check(many);
    expect(asked.slice(2).map((b) => b.length)).toEqual([200, 200, 50]);
  });

  it('a malformed or mismatched relay answer is a typed error, not a verdict', async () => {
    for (const lie of [
      () => ({ ok: true, accounts: [] }),
      () => ({ ok: true, accounts: [{ handle: 'carol', identityKey: null }] }),
      () => ({ ok: true, accounts: [{ handle: 'bob', identityKey: 'not base64!' }] }),
      () => ({ ok: true, accounts: [{ handle: 'bob', identityKey: null, extra: 1 }] }),
      () => 'nonsense',
    ]) {
      const { relay } = relayWith(new Map(), lie);
      await expect(new IdentityGate(relay, new MemoryClientStore(), me).check([cred(bob)])).rejects.toMatchObject({
        code: 'ERR_CLIENT_RELAY_CONTRADICTED',
      });
    }
  });
});
