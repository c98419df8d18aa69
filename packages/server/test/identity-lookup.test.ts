import { Limits, RELAY_PROTOCOL_VERSION, identityLookupAnswer } from '@sealroom/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, connectClient, connectSocket, startTestRelay, stopTestRelay, type TestClient, type TestRelay } from './helpers.js';

let relay: TestRelay;
let alice: TestClient;
let bob: TestClient;
beforeAll(async () => {
  relay = await startTestRelay();
  alice = await connectClient(relay.url, 'alice');
  bob = await connectClient(relay.url, 'bob');
});
afterAll(async () => {
  alice.close();
  bob.close();
  await stopTestRelay(relay);
});

describe('identity.lookup', () => {
  it('answers the bound key of registered handles and null for unknown ones, in the order asked', async () => {
    const res = await alice.call('identity.lookup', { handles: ['bob', 'nobody', 'alice'] });
    expect(res).toEqual({
      ok: true,
      accounts: [
        { handle: 'bob', identityKey: bob.identity.publicKey },
        { handle: 'nobody', identityKey: null },
        { handle: 'alice', identityKey: alice.identity.publicKey },
      ],
    });
    // The answer is what the client-side schema accepts.
    expect(identityLookupAnswer.safeParse(res).success).toBe(true);
  });

  it('answers every position of a request with duplicates', async () => {
    const res = await bob.call('identity.lookup', { handles: ['alice', 'ghost', 'alice', 'ghost', 'bob'] });
    expect(res.accounts).toEqual([
      { handle: 'alice', identityKey: alice.identity.publicKey },
      { handle: 'ghost', identityKey: null },
      { handle: 'alice', identityKey: alice.identity.publicKey },
      { handle: 'ghost', identityKey: null },
      { handle: 'bob', identityKey: bob.identity.publicKey },
    ]);
  });

  it('takes 1..handlesPerLookup valid handles and nothing else', async () => {
    const max = Array.from({ length: Limits.handlesPerLookup }, (_, i) => `u${i}`);
    const full = await alice.call('identity.lookup', { handles: max });
    expect(full.ok).toBe(true);
    expect(full.accounts).toHaveLength(Limits.handlesPerLookup);
    for (const bad of [
      { handles: [] },
      { handles: [...max, 'one-more'] },
      { handles: ['Not A Handle'] },
      { handles: 'alice' },
      { handles: ['alice'], extra: 1 },
      {},
    ]) {
      expect(await alice.call('identity.lookup', bad), JSON.stringify(bad).slice(0, 40)).toMatchObject({
        ok: false,
        code: 'ERR_RELAY_BAD_REQUEST',
      });
    }
  });

  it('is refused before authentication', async () => {
    const s = await connectSocket(relay.url);
    try {
      expect(await call(s, 'identity.lookup', { handles: ['alice'] })).toMatchObject({
        ok: false,
        code: 'ERR_RELAY_UNAUTHENTICATED',
      });
      await call(s, 'hello', { protocol: RELAY_PROTOCOL_VERSION });
      expect(await call(s, 'identity.lookup', { handles: ['alice'] })).toMatchObject({
        ok: false,
        code: 'ERR_RELAY_UNAUTHENTICATED',
      });
    } finally {
      s.disconnect();
    }
  });

  it('counts against the per-connection rate limit', async () => {
    const tight = await startTestRelay({ limits: { eventsPerSecond: 0.001, eventBurst: 4 } });
    const c = await connectClient(tight.url, 'carol'); // hello + auth: 2 tokens
    try {
      expect((await c.call('identity.lookup', { handles: ['carol'] })).ok).toBe(true);
      expect((await c.call('identity.lookup', { handles: ['carol'] })).ok).toBe(true);
      expect(await c.call('identity.lookup', { handles: ['carol'] })).toMatchObject({
        ok: false,
        code: 'ERR_RELAY_RATE_LIMITED',
      });
    } finally {
      c.close();
      await stopTestRelay(tight);
    }
  });
});
