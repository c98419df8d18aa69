import { Limits } from '@sealroom/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blob, connectClient, startTestRelay, stopTestRelay, type TestRelay } from './helpers.js';

let relay: TestRelay;
beforeAll(async () => {
  relay = await startTestRelay();
});
afterAll(async () => {
  await stopTestRelay(relay);
});

describe('key packages', () => {
  it('hands out each one-time package exactly once, then the last-resort one', async () => {
    const alice = await connectClient(relay.url, 'kp-alice');
    const bob = await connectClient(relay.url, 'kp-bob');
    const carol = await connectClient(relay.url, 'kp-carol');
    const oneTime = [blob(300), blob(301), blob(302)];
    const lastResort = blob(303);
    expect(await alice.call('kp.upload', { keyPackages: oneTime, lastResort })).toEqual({ ok: true, available: 3 });
    expect(await alice.call('kp.count', {})).toEqual({ ok: true, available: 3, lastResort: true });

    // Two claimers racing: every one-time package goes to exactly one of them.
    const claims = await Promise.all([
      bob.call('kp.claim', { handle: 'kp-alice' }),
      carol.call('kp.claim', { handle: 'kp-alice' }),
      bob.call('kp.claim', { handle: 'kp-alice' }),
      carol.call('kp.claim', { handle: 'kp-alice' }),
    ]);
    const got = claims.map((c) => c.keyPackage as string);
    expect(claims.every((c) => c.ok)).toBe(true);
    expect(got.filter((k) => oneTime.includes(k)).sort()).toEqual([...oneTime].sort());
    expect(got.filter((k) => k === lastResort)).toHaveLength(1);
    expect(await alice.call('kp.count', {})).toEqual({ ok: true, available: 0, lastResort: true });
    // The last-resort package is kept.
    expect(await bob.call('kp.claim', { handle: 'kp-alice' })).toEqual({ ok: true, keyPackage: lastResort });

    const newLastResort = blob(304);
    expect(await alice.call('kp.upload', { keyPackages: [], lastResort: newLastResort })).toEqual({
      ok: true,
      available: 0,
    });
    expect(await bob.call('kp.claim', { handle: 'kp-alice' })).toEqual({ ok: true, keyPackage: newLastResort });
    for (const c of [alice, bob, carol]) c.close();
  });

  it('answers ERR_RELAY_NO_KEY_PACKAGE alike for an exhausted and an unknown handle', async () => {
    const dan = await connectClient(relay.url, 'kp-dan');
    const erin = await connectClient(relay.url, 'kp-erin');
    const exhausted = await dan.call('kp.claim', { handle: 'kp-erin' });
    const unknown = await dan.call('kp.claim', { handle: 'nobody' });
    expect(exhausted).toMatchObject({ ok: false, code: 'ERR_RELAY_NO_KEY_PACKAGE' });
    // The same answer, up to the handle named in the message.
    expect({ ...unknown, message: unknown.message?.replace('nobody', 'kp-erin') }).toEqual(exhausted);
    dan.close();
    erin.close();
  });

  it('caps stored one-time packages without storing any of a rejected upload', async () => {
    const fay = await connectClient(relay.url, 'kp-fay');
    const batch = (n: number): string[] => Array.from({ length: n }, () => blob(32));
    expect(await fay.call('kp.upload', { keyPackages: batch(Limits.keyPackagesPerUpload) })).toEqual({
      ok: true,
      available: Limits.keyPackagesPerUpload,
    });
    expect(await fay.call('kp.upload', { keyPackages: batch(Limits.keyPackagesPerUpload) })).toEqual({
      ok: true,
      available: 2 * Limits.keyPackagesPerUpload,
    });
    expect(await fay.call('kp.upload', { keyPackages: batch(1), lastResort: blob(8) })).toMatchObject({
      ok: false,
      code: 'ERR_RELAY_TOO_MANY_KEY_PACKAGES',
    });
    expect(await fay.call('kp.count', {})).toEqual({ ok: true, available: Limits.keyPackagesStored, lastResort: false });
    // More than one upload may carry is a schema violation.
    expect(await fay.call('kp.upload', { keyPackages: batch(Limits.keyPackagesPerUpload + 1) })).toMatchObject({
      ok: false,
      code: 'ERR_RELAY_BAD_REQUEST',
    });
    fay.close();
  });
});
