// passive-client-handling-commit.json, run under both ts-mls's default provider and nodeCryptoProvider (see _passive.ts).
import { describe, test } from "vitest";
import { runPassiveClient, type PassiveClientCase } from "./_passive.js";
import { forEachProvider, loadVectors, ordinalsBySuite, slowSuiteSubset, Tally, VECTORS_MISSING } from "./_support.js";

const FILE = "passive-client-handling-commit.json";
const cases = loadVectors<PassiveClientCase>(FILE);
const tally = new Tally(FILE);
const ordinals = ordinalsBySuite(cases);
// Default run: every case of suites 1/2/3, the first 5 of 13 for P-521/P-384 (see slowSuiteSubset).
const KEEP_SLOW = 5;

// Sequential on purpose: CPU-bound, and it keeps the per-provider timings in the summary meaningful.
describe.skipIf(VECTORS_MISSING)(FILE, () => {
  test.each(cases.map((v, i) => [i, v] as const))("case %i", { timeout: 120_000 }, async (i, v) => {
    await forEachProvider(tally, v.cipher_suite, ({ impl }) => runPassiveClient(v, impl), slowSuiteSubset(v.cipher_suite, ordinals[i] ?? 0, KEEP_SLOW));
  });
});
