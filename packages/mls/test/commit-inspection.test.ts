import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  decodeMlsMessage,
  defaultCapabilities,
  defaultKeyPackageEqualityConfig,
  defaultLifetime,
  encodeMlsMessage,
  generateKeyPackageWithKey,
  joinGroupExternal,
} from 'ts-mls';
import { MlsErrorCode, SealroomError, toHex } from '@sealroom/protocol';
import {
  commitChanges,
  createAuthenticationService,
  createGroup,
  createKeyPackage,
  generateIdentity,
  getSuite,
  groupInfoOf,
  inspectExternalCommit,
  inspectFraming,
  joinExternal,
  leafHandles,
  makeClientConfig,
  type Identity,
} from '../src/index.js';

const cfg = () => makeClientConfig(createAuthenticationService());

function expectBadMessage(f: () => unknown): void {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(SealroomError);
  expect((err as SealroomError).code).toBe(MlsErrorCode.BadMessage);
}

/** ts-mls's resync (RFC 9420 §12.4.3.2): rejoin by external commit, removing our own old leaf. */
async function resync(groupInfo: Uint8Array, who: Identity): Promise<Uint8Array> {
  const cs = await getSuite();
  const gi = decodeMlsMessage(groupInfo, 0)![0];
  if (gi.wireformat !== 'mls_group_info') throw new Error('not a group info');
  const kp = await generateKeyPackageWithKey(
    { credentialType: 'basic', identity: new TextEncoder().encode(who.handle) },
    defaultCapabilities(),
    defaultLifetime,
    [],
    { signKey: who.signKey, publicKey: who.publicKey },
    cs,
  );
  const config = { ...cfg(), keyPackageEqualityConfig: defaultKeyPackageEqualityConfig };
  const r = await joinGroupExternal(gi.groupInfo, kp.publicPackage, kp.privatePackage, true, cs, undefined, config);
  return encodeMlsMessage({ version: 'mls10', wireformat: 'mls_public_message', publicMessage: r.publicMessage });
}

describe('commit inspection (decode only, for the relay)', () => {
  it('reads an external commit: group, epoch, joiner credential and key, proposals', async () => {
    const [alice, dan] = await Promise.all([generateIdentity('alice'), generateIdentity('dan')]);
    const gid = crypto.getRandomValues(new Uint8Array(16));
    const a = await createGroup(alice, gid, cfg());
    const join = await joinExternal(await groupInfoOf(a), dan, cfg());
    const info = inspectExternalCommit(join.commit);
    expect(info.groupId).toBe(toHex(gid));
    expect(info.epoch).toBe(0n);
    expect(info.joiner.handle).toBe('dan');
    expect(Buffer.from(info.joiner.signatureKey).equals(Buffer.from(dan.publicKey))).toBe(true);
    expect(info.proposals).toEqual([{ type: 'external_init' }]);
    expect(inspectFraming(join.commit)).toEqual({
      wireformat: 'mls_public_message',
      groupId: toHex(gid),
      epoch: 0n,
      contentType: 'commit',
    });

    // dan rejoins (resync): his commit removes his old leaf, which the current GroupInfo names as his.
    const giAfter = await groupInfoOf(join.group);
    const again = inspectExternalCommit(await resync(giAfter, dan));
    expect(again.epoch).toBe(1n);
    expect(again.proposals).toEqual([{ type: 'remove', removed: 1 }, { type: 'external_init' }]);
    expect(leafHandles(giAfter, [1, 0, 2, 99, -1, 1.5])).toEqual({
      groupId: toHex(gid),
      epoch: 1n,
      handles: ['dan', 'alice', null, null, null, null],
    });
  });

  it('a member commit is framed but is not an external commit', async () => {
    const [alice, bob] = await Promise.all([generateIdentity('alice'), generateIdentity('bob')]);
    const gid = crypto.getRandomValues(new Uint8Array(16));
    const a = await createGroup(alice, gid, cfg());
    const c = await commitChanges(a, { addKeyPackages: [(await createKeyPackage(bob)).publicBytes], publishGroupInfo: true });
    expect(inspectFraming(c.commit)).toEqual({ wireformat: 'mls_private_message', groupId: toHex(gid), epoch: 0n, contentType: 'commit' });
    expectBadMessage(() => inspectExternalCommit(c.commit));
    // A GroupInfo or a Welcome is not a framed message at all.
    expectBadMessage(() => inspectExternalCommit(c.groupInfo!));
    expectBadMessage(() => inspectFraming(c.welcome!));
    // A commit is not a GroupInfo; the tree of the group after the add names bob at leaf 1 (blank leaf 2).
    expectBadMessage(() => leafHandles(c.commit, [0]));
    expect(leafHandles(c.groupInfo!, [1, 2]).handles).toEqual(['bob', null]);
  });

  it('a GroupInfo without a ratchet tree cannot resolve leaves', async () => {
    const alice = await generateIdentity('alice');
    const a = await createGroup(alice, crypto.getRandomValues(new Uint8Array(16)), cfg());
    const gi = decodeMlsMessage(await groupInfoOf(a), 0)![0];
    if (gi.wireformat !== 'mls_group_info') throw new Error('not a group info');
    const bare = { ...gi.groupInfo, extensions: gi.groupInfo.extensions.filter((x) => x.extensionType !== 'ratchet_tree') };
    expectBadMessage(() => leafHandles(encodeMlsMessage({ version: 'mls10', wireformat: 'mls_group_info', groupInfo: bare }), [0]));
  });

  it('junk is always ERR_MLS_BAD_MESSAGE, never another error', () => {
    expectBadMessage(() => inspectExternalCommit(new Uint8Array()));
    expectBadMessage(() => inspectFraming(new Uint8Array([0, 1, 0, 1])));
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        for (const f of [() => inspectExternalCommit(bytes), () => inspectFraming(bytes), () => leafHandles(bytes, [0])]) {
          try {
            f();
          } catch (e) {
            if (!(e instanceof SealroomError) || e.code !== MlsErrorCode.BadMessage) return false;
          }
        }
        return true;
      }),
      { numRuns: 300 },
    );
  });

  it('truncations and bit flips of a real external commit decode or fail typed', async () => {
    const [alice, dan] = await Promise.all([generateIdentity('alice'), generateIdentity('dan')]);
    const a = await createGroup(alice, crypto.getRandomValues(new Uint8Array(16)), cfg());
    const { commit } = await joinExternal(await groupInfoOf(a), dan, cfg());
    fc.assert(
      fc.property(fc.nat({ max: commit.length - 1 }), fc.integer({ min: 1, max: 255 }), fc.boolean(), (i, x, cut) => {
        const m = cut ? commit.slice(0, i) : Uint8Array.from(commit, (b, j) => (j === i ? b ^ x : b));
        try {
          inspectExternalCommit(m);
          return true;
        } catch (e) {
          return e instanceof SealroomError && e.code === MlsErrorCode.BadMessage;
        }
      }),
      { numRuns: 300 },
    );
  });
});
