// security.md E6: a mutation fuzzer over MLS messages into decode and process. Seeds are real traffic made here
// with this package's API plus the interop vectors' wire messages; each case applies 1–4 byte-level edits
// (bit flips, RFC 9420 §2.1.2 varint and u16 overwrites, inserts, deletes, truncation, duplication, splices
// between seeds). For every case: only a typed SealroomError may escape, within CASE_MS, and the receiving
// group's encoded state is byte-identical afterwards (RFC 9420 §14: nothing changes until a message is accepted).
import fc from 'fast-check';
import { decodeMlsMessage } from 'ts-mls';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  decodeGroup,
  encodeGroup,
  inspectExternalCommit,
  inspectFraming,
  joinExternal,
  joinFromWelcome,
  keyPackageIdentity,
  keyPackageRef,
  leafHandles,
  peekContentType,
  processIncoming,
  welcomeRecipients,
  type Group,
} from '../../src/index.js';
import { cfg, generateTraffic, vectorSeeds, type Traffic } from './_corpus.js';
import { budget, fuzz, mutate, mutationArb, runs, Stats, typedOnly, withInput, type Mutation } from './_fuzz.js';

/** Default case counts per target (× SEALROOM_FUZZ_SCALE); together over 10⁴ with the schema fuzzer's. */
const N = { decode: 5000, bob: 4000, alice: 1500, welcome: 1000, external: 600, state: 400 } as const;

const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

describe('MLS mutation fuzzer', () => {
  let t: Traffic;
  let seeds: ReturnType<typeof vectorSeeds>;
  let everything: Uint8Array[];
  beforeAll(async () => {
    t = await generateTraffic();
    seeds = vectorSeeds();
    everything = [...t.toBob, ...t.toAlice, ...t.welcomes, ...t.groupInfos, ...t.keyPackages, ...seeds.framed, ...seeds.welcomes, ...seeds.groupInfos, ...seeds.keyPackages];
    console.log(
      `[fuzz] corpus: ${everything.length} seeds (${t.toBob.length + t.toAlice.length + t.welcomes.length + t.groupInfos.length + t.keyPackages.length} generated, ` +
        `${everything.length - (t.toBob.length + t.toAlice.length + t.welcomes.length + t.groupInfos.length + t.keyPackages.length)} from vectors)`,
    );
  });

  const pick = (corpus: readonly Uint8Array[], m: Mutation) => mutate(corpus[m.seed % corpus.length]!, m.ops, everything);
  const changed = (corpus: readonly Uint8Array[], m: Mutation, b: Uint8Array) => !same(corpus[m.seed % corpus.length]!, b);

  it('the unmutated seeds are what they claim (so the fuzzer starts from valid input)', async () => {
    for (const m of t.toBob) expect(inspectFraming(m).epoch).toBe(1n);
    expect((await processIncoming(t.bob, t.toBob[0]!)).kind).toBe('application');
    expect((await processIncoming(t.bob, t.toBob[3]!)).kind).toBe('commit');
    expect((await processIncoming(t.alice, t.toAlice[1]!)).kind).toBe('proposal');
    expect(welcomeRecipients(t.welcomes[0]!)).toEqual([t.carolKp.ref]);
    expect((await joinFromWelcome(t.welcomes[0]!, t.carolKp, cfg())).group).toBeDefined();
    expect((await joinExternal(t.groupInfos[0]!, t.eve, cfg())).commit.length).toBeGreaterThan(0);
    expect(inspectExternalCommit(t.toBob[3]!).joiner.handle).toBe('dave');
  });

  it('decode-only entry points (the relay\'s framing views, key package and Welcome readers) throw only typed errors', { timeout: budget(N.decode, 1) }, async () => {
    const stats = new Stats();
    await fuzz(
      'decode-only',
      fc.asyncProperty(mutationArb, async (m) => {
        const b = pick(everything, m);
        await withInput('decode', b, async () => {
          for (const [what, f] of [
            ['inspectFraming', () => inspectFraming(b)],
            ['inspectExternalCommit', () => inspectExternalCommit(b)],
            ['leafHandles', () => leafHandles(b, [0, 1, 2, 7, 2 ** 31])],
            ['keyPackageIdentity', () => keyPackageIdentity(b)],
            ['keyPackageRef', () => keyPackageRef(b)],
            ['welcomeRecipients', () => welcomeRecipients(b)],
          ] as const) {
            const o = await typedOnly(what, f);
            stats.record(o, o.ms);
          }
          // The client's pre-check must never throw at all: it answers null for anything it cannot read.
          const c = peekContentType(b);
          expect(c === null || ['application', 'proposal', 'commit'].includes(c)).toBe(true);
        });
      }),
      runs(N.decode),
    );
    console.log(stats.line('decode-only'));
  });

  /** processIncoming on mutated input: typed error or a result, and the receiver's state untouched either way. */
  const processTarget = (name: string, who: () => Group, corpus: () => Uint8Array[], n: number) =>
    it(`processIncoming (${name}) throws only ERR_MLS_DECRYPT_FAILED and leaves the group byte-identical`, { timeout: budget(n, 4) }, async () => {
      const g = who();
      const before = encodeGroup(g);
      const stats = new Stats();
      await fuzz(
        `processIncoming ${name}`,
        fc.asyncProperty(mutationArb, async (m) => {
          const b = pick(corpus(), m);
          await withInput('process', b, async () => {
            const o = await typedOnly('processIncoming', () => processIncoming(g, b));
            stats.record(o, o.ms, changed(corpus(), m, b));
            if (!o.ok) expect(o.code).toBe('ERR_MLS_DECRYPT_FAILED');
            expect(same(encodeGroup(g), before), 'group state changed').toBe(true);
          });
        }),
        runs(n),
      );
      console.log(stats.line(`processIncoming ${name}`));
    });
  processTarget('bob: text, update, add, external join, removal', () => t.bob, () => [...t.toBob, ...seeds.framed], N.bob);
  processTarget('alice: text, self-remove proposal, external join', () => t.alice, () => t.toAlice, N.alice);

  it('joinFromWelcome throws only typed errors on mutated Welcomes', { timeout: budget(N.welcome, 8) }, async () => {
    const kp = { ...t.carolKp, publicBytes: Uint8Array.from(t.carolKp.publicBytes), privateBytes: Uint8Array.from(t.carolKp.privateBytes) };
    const stats = new Stats();
    await fuzz(
      'joinFromWelcome',
      fc.asyncProperty(mutationArb, async (m) => {
        const b = pick([...t.welcomes, ...seeds.welcomes], m);
        await withInput('welcome', b, async () => {
          const o = await typedOnly('joinFromWelcome', () => joinFromWelcome(b, kp, cfg()));
          stats.record(o, o.ms, changed([...t.welcomes, ...seeds.welcomes], m, b));
          if (!o.ok) expect(['ERR_MLS_BAD_MESSAGE', 'ERR_MLS_DECRYPT_FAILED']).toContain(o.code);
        });
      }),
      runs(N.welcome),
    );
    expect(same(kp.privateBytes, t.carolKp.privateBytes) && same(kp.publicBytes, t.carolKp.publicBytes)).toBe(true);
    console.log(stats.line('joinFromWelcome'));
  });

  it('joinExternal throws only typed errors on mutated GroupInfos', { timeout: budget(N.external, 15) }, async () => {
    const stats = new Stats();
    await fuzz(
      'joinExternal',
      fc.asyncProperty(mutationArb, async (m) => {
        const b = pick([...t.groupInfos, ...seeds.groupInfos], m);
        await withInput('external', b, async () => {
          const o = await typedOnly('joinExternal', () => joinExternal(b, t.eve, cfg()));
          stats.record(o, o.ms, changed([...t.groupInfos, ...seeds.groupInfos], m, b));
          if (!o.ok) expect(['ERR_MLS_BAD_MESSAGE', 'ERR_MLS_COMMIT_REJECTED']).toContain(o.code);
        });
      }),
      runs(N.external),
    );
    console.log(stats.line('joinExternal'));
  });

  // Found by this fuzzer (decodeGroup let ts-mls's CodecError escape); fixed in src/group.ts.
  it('decodeGroup (a stored state that decrypted but is corrupt) throws only typed errors', { timeout: budget(N.state, 2) }, async () => {
    const stats = new Stats();
    await fuzz(
      'decodeGroup',
      fc.asyncProperty(mutationArb, async (m) => {
        const b = pick(t.states, m);
        await withInput('state', b, async () => {
          const o = await typedOnly('decodeGroup', () => decodeGroup(b, cfg()));
          stats.record(o, o.ms);
        });
      }),
      runs(N.state),
    );
    console.log(stats.line('decodeGroup'));
  });
});

// The fuzzer must be able to fail: each planted bug below is a mistake the real code could make, and the harness
// has to catch it, with a seed to replay it.
describe('the MLS fuzzer finds planted bugs', () => {
  let t: Traffic;
  beforeAll(async () => {
    t = await generateTraffic();
  });
  const corpus = () => [...t.toBob, ...t.welcomes, ...t.groupInfos];

  it('a decoder that lets a plain Error (or ts-mls\'s own) escape', async () => {
    const unwrapped = (b: Uint8Array) => {
      const r = decodeMlsMessage(b, 0);
      if (r === undefined || r[1] !== b.length) throw new Error('malformed MLS message');
      return r[0];
    };
    const run = fuzz('planted: unwrapped decode', fc.asyncProperty(mutationArb, async (m) => void (await typedOnly('unwrapped', () => unwrapped(mutate(corpus()[m.seed % corpus().length]!, m.ops, corpus()))))), 300);
    await expect(run).rejects.toThrow(/threw an untyped \w*Error[\s\S]*SEALROOM_FUZZ_SEED=-?\d+ SEALROOM_FUZZ_PATH=/);
  });

  it('a process step that changes the group before failing', async () => {
    const g = decodeGroup(encodeGroup(t.bob), cfg());
    const before = encodeGroup(g);
    const halfApplied = async (b: Uint8Array) => {
      try {
        return await processIncoming(g, b);
      } catch (e) {
        (g.state.groupContext as { epoch: bigint }).epoch += 1n; // the bug: state advanced although the message was refused
        throw e;
      }
    };
    const run = fuzz(
      'planted: half-applied state',
      fc.asyncProperty(mutationArb, async (m) => {
        await typedOnly('halfApplied', () => halfApplied(mutate(t.toBob[m.seed % t.toBob.length]!, m.ops, corpus())));
        expect(same(encodeGroup(g), before), 'group state changed').toBe(true);
      }),
      300,
    );
    await expect(run).rejects.toThrow(/group state changed[\s\S]*SEALROOM_FUZZ_SEED=/);
  });

  it('a decode that stalls on some input', async () => {
    const stalls = async (b: Uint8Array) => {
      if (b.length < t.toBob[0]!.length) await new Promise((r) => setTimeout(r, 60)); // the bug: a truncated input waits
      return inspectFraming(b);
    };
    const run = fuzz('planted: stall', fc.asyncProperty(mutationArb, async (m) => void (await typedOnly('stalls', () => stalls(mutate(t.toBob[0]!, m.ops, corpus())), 30))), 300);
    await expect(run).rejects.toThrow(/took \d+ ms \(bound 30 ms\)/);
  });
});
