import { describe, expect, it } from 'vitest';
import {
  commitChanges,
  commitUpdate,
  createAuthenticationService,
  createGroup,
  createKeyPackage,
  decodeGroup,
  encodeGroup,
  encryptApplication,
  epochAuthenticatorOf,
  epochOf,
  generateIdentity,
  isActive,
  joinExternal,
  joinFromWelcome,
  makeClientConfig,
  membersOf,
  processIncoming,
  proposeSelfRemove,
  welcomeRecipients,
  type Group,
  type Identity,
} from '../src/index.js';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);
const cfg = () => makeClientConfig(createAuthenticationService());

async function send(from: Group, text: string) {
  return encryptApplication(from, enc(text));
}

describe('group flow through our MLS interface', () => {
  it('create, invite, external join, send, self-remove, remove', async () => {
    const [alice, bob, carol] = await Promise.all(['alice', 'bob', 'carol'].map(generateIdentity)) as [Identity, Identity, Identity];
    const gid = crypto.getRandomValues(new Uint8Array(16));
    let a = await createGroup(alice, gid, cfg());
    expect(epochOf(a)).toBe(0);

    // Invite bob.
    const bobKp = await createKeyPackage(bob);
    const c1 = await commitChanges(a, {
      addKeyPackages: [bobKp.publicBytes],
      publishGroupInfo: true,
      welcomeInfo: enc('{"name":"secret room"}'),
    });
    expect(epochOf(a)).toBe(0); // input unchanged until the relay accepts
    a = c1.group;
    expect(c1.welcome).not.toBeNull();
    expect(welcomeRecipients(c1.welcome!)).toEqual([bobKp.ref]);
    const joined = await joinFromWelcome(c1.welcome!, bobKp, cfg());
    let b = joined.group;
    // The newcomer-only info arrives inside the Welcome; the published GroupInfo does not carry it.
    expect(dec(joined.welcomeInfo!)).toBe('{"name":"secret room"}');
    expect(Buffer.from(c1.groupInfo!).includes(Buffer.from('secret room'))).toBe(false);
    expect(Buffer.from(c1.welcome!).includes(Buffer.from('secret room'))).toBe(false);
    expect(epochOf(b)).toBe(1);
    expect(epochAuthenticatorOf(b)).toBe(epochAuthenticatorOf(a));

    // Messages both ways, sender authenticated by MLS.
    const m1 = await send(a, 'hello bob');
    a = m1.group;
    const r1 = await processIncoming(b, m1.message);
    expect(r1.kind).toBe('application');
    if (r1.kind !== 'application') throw new Error();
    expect(dec(r1.plaintext)).toBe('hello bob');
    expect(r1.sender.handle).toBe('alice');
    b = r1.group;

    // Replay of the same ciphertext is rejected (generation consumed) and leaves state unchanged.
    const before = encodeGroup(b);
    await expect(processIncoming(b, m1.message)).rejects.toMatchObject({ code: 'ERR_MLS_DECRYPT_FAILED' });
    expect(Buffer.from(encodeGroup(b)).equals(Buffer.from(before))).toBe(true);

    // Carol joins by external commit from the published GroupInfo.
    const ext = await joinExternal(c1.groupInfo!, carol, cfg());
    let c = ext.group;
    const ra = await processIncoming(a, ext.commit);
    const rb = await processIncoming(b, ext.commit);
    if (ra.kind !== 'commit' || rb.kind !== 'commit') throw new Error('expected commits');
    expect(ra.sender).toBeNull();
    expect(ra.added.map((m) => m.handle)).toEqual(['carol']);
    a = ra.group;
    b = rb.group;
    expect(epochAuthenticatorOf(a)).toBe(epochAuthenticatorOf(c));
    expect(epochAuthenticatorOf(b)).toBe(epochAuthenticatorOf(c));

    // Bob leaves: proposes his own removal; alice commits it.
    const p = await proposeSelfRemove(b);
    const pa = await processIncoming(a, p.proposal);
    const pc = await processIncoming(c, p.proposal);
    if (pa.kind !== 'proposal' || pc.kind !== 'proposal') throw new Error();
    expect(pa.selfRemove).toBe(true);
    a = pa.group;
    c = pc.group;
    const c2 = await commitChanges(a, { publishGroupInfo: false });
    a = c2.group;
    const rc = await processIncoming(c, c2.commit);
    const rbob = await processIncoming(p.group, c2.commit);
    if (rc.kind !== 'commit' || rbob.kind !== 'commit') throw new Error();
    expect(rc.removed.map((m) => m.handle)).toEqual(['bob']);
    expect(rbob.removedSelf).toBe(true);
    expect(isActive(rbob.group)).toBe(false);
    c = rc.group;
    expect(membersOf(a).map((m) => m.handle)).toEqual(['alice', 'carol']);

    // Bob can no longer read what follows.
    const m2 = await send(a, 'after bob left');
    await expect(processIncoming(rbob.group, m2.message)).rejects.toMatchObject({ code: 'ERR_MLS_DECRYPT_FAILED' });
    const rc2 = await processIncoming(c, m2.message);
    expect(rc2.kind === 'application' && dec(rc2.plaintext)).toBe('after bob left');

    // An update commit (no proposals) moves both to a new epoch with fresh keys.
    const authBefore = epochAuthenticatorOf(a);
    const up = await commitUpdate(a, false);
    a = up.group;
    const rup = await processIncoming(c, up.commit);
    if (rup.kind !== 'commit') throw new Error();
    c = rup.group;
    expect(epochOf(a)).toBe(epochOf(c));
    expect(epochAuthenticatorOf(a)).toBe(epochAuthenticatorOf(c));
    expect(epochAuthenticatorOf(a)).not.toBe(authBefore);

    // State survives an encode/decode round trip.
    const a2 = decodeGroup(encodeGroup(a), cfg());
    expect(epochAuthenticatorOf(a2)).toBe(epochAuthenticatorOf(a));
  });

  it('state-free authentication: a commit is built whatever key a handle has (the client gate decides, afterwards)', async () => {
    const alice = await generateIdentity('alice');
    const impostor = await generateIdentity('bob');
    const a = await createGroup(alice, new Uint8Array(16), cfg());
    const kp = await createKeyPackage(impostor);
    const out = await commitChanges(a, { addKeyPackages: [kp.publicBytes], publishGroupInfo: false });
    // Nothing was pinned on the way: the same service accepts a second, different key for "bob".
    const other = await createKeyPackage(await generateIdentity('bob'));
    await expect(commitChanges(a, { addKeyPackages: [other.publicBytes], publishGroupInfo: false })).resolves.toBeTruthy();
    expect(membersOf(out.group).map((m) => m.handle)).toEqual(['alice', 'bob']);
  });
});
