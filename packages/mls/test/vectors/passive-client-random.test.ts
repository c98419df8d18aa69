// passive-client-random.json, run under both ts-mls's default provider and nodeCryptoProvider (see _passive.ts).
import { describe, test } from "vitest";
import { runPassiveClient, type PassiveClientCase } from "./_passive.js";
import { forEachProvider, loadVectors, Tally, VECTORS_MISSING } from "./_support.js";

const FILE = "passive-client-random.json";
const cases = loadVectors<PassiveClientCase>(FILE);
const tally = new Tally(FILE);

// Sequential on purpose: CPU-bound, and it keeps the per-provider timings in the summary meaningful.
describe.skipIf(VECTORS_MISSING)(FILE, () => {
  test.each(cases.map((v, i) => [i, v] as const))("case %i", { timeout: 120_000 }, async (_i, v) => {
    await forEachProvider(tally, v.cipher_suite, ({ impl }) => runPassiveClient(v, impl));
  });
});
