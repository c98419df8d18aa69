// Shared plumbing for the MLS mutation fuzzer: how many cases, which seed, how a mutation is drawn and applied,
// and how a failure is reported so that it can be replayed.
//
// SEALROOM_FUZZ_SCALE multiplies every target's case count (default 1: the quick run in `npm test`;
// `npm run test:slow` sets 10). SEALROOM_FUZZ_SEED (and SEALROOM_FUZZ_PATH, from a failure report) replay a
// failing run's mutations; without them the seed is fresh each run and printed with every failure. The traffic
// generated per run has fresh keys, so a failing input is also saved to a file (see withInput) to replay exactly.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { SealroomError } from '@sealroom/protocol';

export const FUZZ_SCALE = Math.max(0.01, Number(process.env['SEALROOM_FUZZ_SCALE'] ?? '1') || 1);
const envSeed = process.env['SEALROOM_FUZZ_SEED'];
export const FUZZ_SEED = envSeed !== undefined && envSeed !== '' ? Number(envSeed) : (Date.now() ^ (Math.random() * 0x7fffffff)) | 0;
const FUZZ_PATH = process.env['SEALROOM_FUZZ_PATH'];

/** A target's default case count, scaled. */
export const runs = (n: number): number => Math.max(1, Math.round(n * FUZZ_SCALE));
/** A vitest timeout for a target that does `n` default cases at about `msPerCase`, with room for a slow machine. */
export const budget = (n: number, msPerCase: number): number => Math.max(30_000, Math.round(runs(n) * msPerCase * 4));

/**
 * Wall-clock bound on one case (one decode or one process call). A decoder that loops on a crafted length would
 * block the event loop, so this also backs the vitest timeout; an async step that stalls shows up here.
 */
export const CASE_MS = Number(process.env['SEALROOM_FUZZ_CASE_MS'] ?? '3000');

/** Run a property with the fuzz seed; a failure names the seed, path and counterexample and how to replay it. */
export async function fuzz<Ts>(name: string, prop: fc.IAsyncProperty<Ts>, numRuns: number): Promise<void> {
  const params: fc.Parameters<Ts> = { seed: FUZZ_SEED, numRuns, endOnFailure: true, ...(FUZZ_PATH ? { path: FUZZ_PATH } : {}) };
  const d = await fc.check(prop, params);
  if (!d.failed) return;
  const replay = `SEALROOM_FUZZ_SEED=${d.seed} SEALROOM_FUZZ_PATH=${d.counterexamplePath ?? ''} npx vitest run --project unit -t '${name}'`;
  const cause = d.errorInstance instanceof Error ? d.errorInstance.message : String(d.errorInstance);
  throw new Error(`[fuzz] ${name}: ${cause}\n  seed ${d.seed}; replay with\n  ${replay}\n${fc.defaultReportMessage(d) ?? ''}`, { cause: d.errorInstance });
}

/**
 * Run one case on `input`; if it fails, save the input under the OS temp dir and name the file in the error,
 * so the exact bytes can be replayed even when the seed inputs (fresh keys each run) differ.
 */
export async function withInput(target: string, input: Uint8Array, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (e) {
    const file = join(tmpdir(), `sealroom-fuzz-${target.replace(/[^a-z0-9]+/gi, '-')}-${FUZZ_SEED}.bin`);
    writeFileSync(file, input);
    const msg = e instanceof Error ? e.message : String(e);
    throw new Error(`${msg} [input: ${input.length} bytes saved to ${file}]`, { cause: e });
  }
}

/** One edit of a byte string. Positions are taken modulo the length, so every op applies to every input. */
export type Op =
  | { t: 'flip'; at: number; bit: number }
  | { t: 'set'; at: number; v: number }
  | { t: 'overwrite'; at: number; bytes: number[] }
  | { t: 'insert'; at: number; bytes: Uint8Array }
  | { t: 'delete'; at: number; len: number }
  | { t: 'truncate'; at: number }
  | { t: 'dup'; at: number; len: number }
  | { t: 'splice'; other: number; from: number; at: number; len: number };

/** Bytes a TLS / RFC 9420 §2.1.2 decoder branches on: varint prefixes, boundaries, enum edges. */
const INTERESTING = [0x00, 0x01, 0x02, 0x03, 0x05, 0x07, 0x3f, 0x40, 0x7f, 0x80, 0xbf, 0xc0, 0xfe, 0xff];
/** Lengths as RFC 9420 §2.1.2 varints: 0, 63, 64, 16383, 2^30-1 (far beyond any input), and the reserved 0b11 prefix. */
const VARINTS = [[0x00], [0x3f], [0x40, 0x40], [0x7f, 0xff], [0x80, 0x00, 0x40, 0x00], [0xbf, 0xff, 0xff, 0xff], [0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01]];
/** Big-endian u16 fields (version, wire format, content type, proposal type, extension type, cipher suite). */
const U16S = [[0x00, 0x00], [0x00, 0x01], [0x00, 0x02], [0x00, 0x03], [0x00, 0x04], [0x00, 0x05], [0x00, 0x07], [0x00, 0x08], [0xff, 0xff], [0xf0, 0x00]];

export const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ t: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('set' as const), at: fc.nat(), v: fc.oneof(fc.constantFrom(...INTERESTING), fc.integer({ min: 0, max: 255 })) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('overwrite' as const), at: fc.nat(), bytes: fc.constantFrom(...VARINTS, ...U16S) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 64 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('truncate' as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('dup' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 256 }) }) },
  {
    weight: 1,
    arbitrary: fc.record({ t: fc.constant('splice' as const), other: fc.nat(), from: fc.nat(), at: fc.nat(), len: fc.integer({ min: 1, max: 512 }) }),
  },
);

/** A case: which seed input, and 1–4 edits to it. */
export type Mutation = { seed: number; ops: Op[] };
export const mutationArb: fc.Arbitrary<Mutation> = fc.record({ seed: fc.nat(), ops: fc.array(opArb, { minLength: 1, maxLength: 4 }) });

/** Apply `ops` to a copy of `input`; `corpus` feeds splices. Never touches its arguments. */
export function mutate(input: Uint8Array, ops: readonly Op[], corpus: readonly Uint8Array[]): Uint8Array {
  let b: Uint8Array = Uint8Array.from(input);
  const pos = (at: number, n = b.length) => (n === 0 ? 0 : at % n);
  for (const op of ops) {
    switch (op.t) {
      case 'flip':
        if (b.length > 0) b[pos(op.at)]! ^= 1 << op.bit;
        break;
      case 'set':
        if (b.length > 0) b[pos(op.at)] = op.v;
        break;
      case 'overwrite': {
        const at = pos(op.at);
        for (let i = 0; i < op.bytes.length && at + i < b.length; i++) b[at + i] = op.bytes[i]!;
        break;
      }
      case 'insert': {
        const at = pos(op.at, b.length + 1);
        b = concat(b.subarray(0, at), op.bytes, b.subarray(at));
        break;
      }
      case 'delete': {
        const at = pos(op.at);
        b = concat(b.subarray(0, at), b.subarray(at + op.len));
        break;
      }
      case 'truncate':
        b = b.slice(0, pos(op.at));
        break;
      case 'dup': {
        const at = pos(op.at);
        b = concat(b.subarray(0, at + op.len), b.subarray(at, at + op.len), b.subarray(at + op.len));
        break;
      }
      case 'splice': {
        const src = corpus[op.other % Math.max(1, corpus.length)] ?? new Uint8Array(0);
        const from = pos(op.from, src.length);
        const at = pos(op.at, b.length + 1);
        b = concat(b.subarray(0, at), src.subarray(from, from + op.len), b.subarray(at + op.len));
        break;
      }
    }
  }
  return b;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** What a fuzz target may do with hostile input: return, or throw a typed SealroomError. */
export type Outcome = { ok: true } | { ok: false; code: string };

/**
 * Run `f` within CASE_MS. Anything thrown that is not a SealroomError (a TypeError from a decoder reading past
 * the end, a RangeError from a huge length, a ts-mls error left unwrapped) fails the case; so does a case that
 * takes longer than CASE_MS.
 */
export async function typedOnly(what: string, f: () => unknown, boundMs = CASE_MS): Promise<Outcome & { ms: number }> {
  const t0 = performance.now();
  let outcome: Outcome;
  try {
    await f();
    outcome = { ok: true };
  } catch (e) {
    if (!(e instanceof SealroomError)) {
      const desc = e instanceof Error ? `${e.constructor.name}: ${e.message}` : `non-Error ${String(e)}`;
      throw new Error(`${what} threw an untyped ${desc}`, { cause: e });
    }
    outcome = { ok: false, code: e.code };
  }
  const ms = performance.now() - t0;
  if (ms > boundMs) throw new Error(`${what} took ${Math.round(ms)} ms (bound ${boundMs} ms)`);
  return { ...outcome, ms };
}

/** Per-target counters, printed once so the run's size and outcome mix are visible in the log. */
export class Stats {
  readonly codes = new Map<string, number>();
  cases = 0;
  accepted = 0;
  /** Accepted although the bytes differ from the seed: malleability worth a look (printed, not failed). */
  acceptedChanged = 0;
  maxMs = 0;
  readonly t0 = performance.now();
  record(o: Outcome, ms: number, changed = false): void {
    this.cases++;
    this.maxMs = Math.max(this.maxMs, ms);
    if (o.ok && changed) this.acceptedChanged++;
    if (o.ok) this.accepted++;
    else this.codes.set(o.code, (this.codes.get(o.code) ?? 0) + 1);
  }
  line(name: string): string {
    const codes = [...this.codes.entries()].map(([c, n]) => `${c} ${n}`).join(', ');
    return `[fuzz] ${name}: ${this.cases} cases in ${Math.round(performance.now() - this.t0)} ms (seed ${FUZZ_SEED}, slowest ${Math.round(this.maxMs)} ms); accepted ${this.accepted} (${this.acceptedChanged} of them changed); rejected: ${codes || 'none'}`;
  }
}
