import { describe, expect, it } from 'vitest';
import {
  commitChanges,
  createAuthenticationService,
  createGroup,
  createKeyPackage,
  encodeGroup,
  encryptApplication,
  generateIdentity,
  joinFromWelcome,
  makeClientConfig,
  processIncoming,
  type Group,
} from '../src/index.js';

const cfg = () => makeClientConfig(createAuthenticationService());
const enc = (s: string) => new TextEncoder().encode(s);

async function pair(): Promise<{ a: Group; b: Group }> {
  const alice = await generateIdentity('alice');
  const bob = await generateIdentity('bob');
  const a0 = await createGroup(alice, crypto.getRandomValues(new Uint8Array(16)), cfg());
  const kp = await createKeyPackage(bob);
  const c = await commitChanges(a0, { addKeyPackages: [kp.publicBytes], publishGroupInfo: false });
  return { a: c.group, b: (await joinFromWelcome(c.welcome!, kp, cfg())).group };
}

// security.md A7: tampered ciphertext, sender data, AAD, signature or tag → rejected with the one opaque
// code, stored state byte-identical, and the next valid message still decrypts.
describe('reject without mutation', () => {
  it('every single-byte flip in an application message is rejected and changes nothing', async () => {
    let { a, b } = await pair();
    const m1 = await encryptApplication(a, enc('first'));
    a = m1.group;
    const before = Buffer.from(encodeGroup(b));
    const bytes = m1.message;
    // Flip each byte (the header, the encrypted sender data, the ciphertext and the AEAD tag).
    for (let i = 0; i < bytes.length; i++) {
      const t = Uint8Array.from(bytes);
      t[i]! ^= 0x01;
      await expect(processIncoming(b, t), `byte ${i}`).rejects.toMatchObject({ code: 'ERR_MLS_DECRYPT_FAILED' });
    }
    // Truncations and junk too.
    for (const t of [bytes.subarray(0, 10), bytes.subarray(0, bytes.length - 1), new Uint8Array(0), crypto.getRandomValues(new Uint8Array(300))]) {
      await expect(processIncoming(b, t)).rejects.toMatchObject({ code: 'ERR_MLS_DECRYPT_FAILED' });
    }
    expect(Buffer.from(encodeGroup(b)).equals(before)).toBe(true);
    const r = await processIncoming(b, bytes);
    expect(r.kind === 'application' && new TextDecoder().decode(r.plaintext)).toBe('first');
    b = r.group;
    const m2 = await encryptApplication(a, enc('second'));
    const r2 = await processIncoming(b, m2.message);
    expect(r2.kind === 'application' && new TextDecoder().decode(r2.plaintext)).toBe('second');
  });

  it('a tampered commit is rejected, state unchanged, and the genuine commit then applies', async () => {
    const { a, b } = await pair();
    const c = await commitChanges(a, { publishGroupInfo: false });
    const before = Buffer.from(encodeGroup(b));
    for (const i of [5, 20, Math.floor(c.commit.length / 2), c.commit.length - 20, c.commit.length - 1]) {
      const t = Uint8Array.from(c.commit);
      t[i]! ^= 0x80;
      await expect(processIncoming(b, t)).rejects.toMatchObject({ code: 'ERR_MLS_DECRYPT_FAILED' });
    }
    expect(Buffer.from(encodeGroup(b)).equals(before)).toBe(true);
    const ok = await processIncoming(b, c.commit);
    expect(ok.kind).toBe('commit');
  });

  it('a message from another group (cross-context injection) is rejected', async () => {
    const one = await pair();
    const two = await pair();
    const m = await encryptApplication(one.a, enc('for group one'));
    await expect(processIncoming(two.b, m.message)).rejects.toMatchObject({ code: 'ERR_MLS_DECRYPT_FAILED' });
  });
});
