import type { BenchOptions } from '../bench-options.js';
import { median, round } from '../stats.js';
import type { MlsOps } from './mls-ops.js';
import { sealroomMls } from './mls-ops-sealroom.js';
import { stockMls } from './mls-ops-stock.js';

/** One implementation at one group size; a null figure was not run (see `notRun`). */
export type CryptoRow = {
  impl: string;
  n: number;
  buildSeconds: number | null;
  encryptMs: number | null;
  decryptMs: number | null;
  processAddMs: number | null;
  processRemoveMs: number | null;
  joinWelcomeMs: number | null;
  externalJoinMs: number | null;
  stateBytes: number | null;
  notRun: string[];
};

const ADDS_PER_COMMIT = 100;
/** No single timed step may be expected to take longer than this (a stock external join at N=1000 takes about a minute). */
const STEP_LIMIT_MS = 30_000;

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await fn();
  return { ms: performance.now() - t, value };
}

/**
 * Build a room of `n` by one inviter (batches of 100 Adds, so the tree is sparse as in Sealroom today),
 * then time, as member B (the last one added): joining from its Welcome, decrypting the inviter's 100-byte
 * messages, and processing an Add and a Remove by the inviter; and a newcomer's external join. Steps that
 * would run past `budgetMs` are skipped and named in `notRun`.
 */
async function measure<G, M, K>(ops: MlsOps<G, M, K>, n: number, reps: number, budgetMs: number, tag: string, smaller: CryptoRow | undefined): Promise<CryptoRow> {
  const deadline = performance.now() + budgetMs;
  const row: CryptoRow = {
    impl: ops.name, n, buildSeconds: null, encryptMs: null, decryptMs: null, processAddMs: null, processRemoveMs: null,
    joinWelcomeMs: null, externalJoinMs: null, stateBytes: null, notRun: [],
  };
  const over = (what: string): boolean => {
    if (performance.now() < deadline) return false;
    row.notRun.push(`${what}: over the ${Math.round(budgetMs / 1000)} s budget for N=${n}`);
    return true;
  };
  const t0 = performance.now();
  const creator = await ops.member(`${tag}c`);
  let a: G = await ops.create(creator);
  let welcome: M | null = null;
  let b: K | null = null;
  for (let i = 1; i < n; i += ADDS_PER_COMMIT) {
    const batch = await Promise.all(Array.from({ length: Math.min(ADDS_PER_COMMIT, n - i) }, (_, j) => ops.member(`${tag}m${i + j}`)));
    const out = await ops.add(a, batch);
    a = out.group;
    welcome = out.welcome;
    b = batch[batch.length - 1] ?? null;
    if (over('building the group')) return row;
  }
  row.buildSeconds = round((performance.now() - t0) / 1000);
  if (!welcome || !b) throw new Error('a group of one has no one to measure');
  const joined = await timed(() => ops.join(welcome, b));
  row.joinWelcomeMs = round(joined.ms);
  let bg: G = joined.value;
  row.stateBytes = ops.stateBytes(bg);

  const text = new Uint8Array(100).fill(120);
  const enc: number[] = [];
  const dec: number[] = [];
  for (let i = 0; i < reps && !over('encrypt/decrypt'); i++) {
    const e = await timed(() => ops.encrypt(a, text));
    a = e.value.group;
    enc.push(e.ms);
    const d = await timed(() => ops.process(bg, e.value.message));
    bg = d.value;
    dec.push(d.ms);
  }
  row.encryptMs = enc.length ? round(median(enc), 3) : null;
  row.decryptMs = dec.length ? round(median(dec), 3) : null;

  // A few Add/Remove pairs at small N; one at large N, where each costs a visible fraction of a second.
  const pairs = n >= 1000 ? 1 : 3;
  const addMs: number[] = [];
  const removeMs: number[] = [];
  for (let i = 0; i < pairs; i++) {
    if (over('Add/Remove')) break;
    const x = await ops.member(`${tag}x${i}`);
    const add = await ops.add(a, [x]);
    a = add.group;
    const pa = await timed(() => ops.process(bg, add.commit));
    bg = pa.value;
    addMs.push(pa.ms);
    const rm = await ops.remove(a, `${tag}x${i}`);
    a = rm.group;
    const pr = await timed(() => ops.process(bg, rm.commit));
    bg = pr.value;
    removeMs.push(pr.ms);
  }
  row.processAddMs = addMs.length ? round(median(addMs)) : null;
  row.processRemoveMs = removeMs.length ? round(median(removeMs)) : null;

  // An external join is O(N²) here (the joiner's path encrypts to the resolution of a sparse tree, and the
  // tree is validated whole): predict it from the smaller size and skip it when it would exceed the step limit.
  const predicted = smaller?.externalJoinMs ? smaller.externalJoinMs * (n / smaller.n) ** 2 : 0;
  if (predicted > STEP_LIMIT_MS) {
    row.notRun.push(`external join: predicted ~${Math.round(predicted / 1000)} s from N=${smaller?.n} (O(N²)), over the ${STEP_LIMIT_MS / 1000} s step limit`);
  } else if (!over('external join')) {
    const gi = await ops.groupInfo(a);
    const joiner = await ops.member(`${tag}e`);
    row.externalJoinMs = round((await timed(() => ops.joinExternal(gi, joiner))).ms);
  }
  return row;
}

/**
 * Part 4: client crypto and state at N = 10, 100 (and 1000 in a full run), packages/mls and stock ts-mls
 * side by side in this process. Bytes written to the proxy's database per received message come from the
 * real proxies of parts 1 and 3 (their stores are metered there).
 */
export async function runClientCrypto(o: BenchOptions, log: (l: string) => void): Promise<CryptoRow[]> {
  const rows: CryptoRow[] = [];
  for (const n of o.groupSizes) {
    for (const ops of [sealroomMls, stockMls] as MlsOps<unknown, unknown, unknown>[]) {
      // "Only if it finishes in a few minutes": a bound per implementation and size, smallest for quick runs.
      const budgetMs = o.quick ? 30_000 : n >= 1000 ? 90_000 : 60_000;
      log(`part 4: N=${n} ${ops.name}`);
      const smaller = rows.filter((r) => r.impl === ops.name && r.n < n).at(-1);
      rows.push(await measure(ops, n, n >= 1000 ? Math.min(o.cryptoReps, 50) : o.cryptoReps, budgetMs, `k${n}${rows.length}`, smaller));
    }
  }
  return rows;
}
