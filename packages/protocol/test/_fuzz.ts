// Seed, case counts and failure reports for the schema fuzzer (the same knobs as packages/mls/test/fuzz):
// SEALROOM_FUZZ_SCALE multiplies case counts (`npm run test:slow` sets 10); SEALROOM_FUZZ_SEED and
// SEALROOM_FUZZ_PATH, copied from a failure report, replay the failing case.
import fc from 'fast-check';

export const FUZZ_SCALE = Math.max(0.01, Number(process.env['SEALROOM_FUZZ_SCALE'] ?? '1') || 1);
const envSeed = process.env['SEALROOM_FUZZ_SEED'];
export const FUZZ_SEED = envSeed !== undefined && envSeed !== '' ? Number(envSeed) : (Date.now() ^ (Math.random() * 0x7fffffff)) | 0;
const FUZZ_PATH = process.env['SEALROOM_FUZZ_PATH'];

export const runs = (n: number): number => Math.max(1, Math.round(n * FUZZ_SCALE));
export const budget = (n: number, msPerCase: number): number => Math.max(30_000, Math.round(runs(n) * msPerCase * 4));

/** Run a property with the fuzz seed; a failure names the seed, path, counterexample and a replay command. */
export function fuzz<Ts>(name: string, prop: fc.IProperty<Ts>, numRuns: number): void {
  const params: fc.Parameters<Ts> = { seed: FUZZ_SEED, numRuns, endOnFailure: true, ...(FUZZ_PATH ? { path: FUZZ_PATH } : {}) };
  const d = fc.check(prop, params);
  if (!d.failed) return;
  const replay = `SEALROOM_FUZZ_SEED=${d.seed} SEALROOM_FUZZ_PATH=${d.counterexamplePath ?? ''} npx vitest run --project unit -t '${name}'`;
  const cause = d.errorInstance instanceof Error ? d.errorInstance.message : String(d.errorInstance);
  const shown = fc.defaultReportMessage(d) ?? '';
  // Counterexamples may hold megabyte strings: keep the report readable.
  throw new Error(`[fuzz] ${name}: ${cause}\n  seed ${d.seed}; replay with\n  ${replay}\n${shown.length > 4000 ? `${shown.slice(0, 4000)}…` : shown}`, {
    cause: d.errorInstance,
  });
}
