import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { BenchResults } from '../../bench/report/bench-results.js';
import { writeBenchmarksDoc } from '../../bench/report/benchmarks-doc.js';

const dir = mkdtempSync(join(tmpdir(), 'sealroom-bench-doc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const root = pathToFileURL(`${dir}/`);

function results(date: string, sealroomRate: number): BenchResults {
  const row = (system: 'sealroom' | 'demo', rate: number) => ({
    system, users: 20, formSeconds: 1, burstDeliveriesPerSecond: rate, burstLoss: 0, burstExpected: 1900, cpuMsPerMessage: 1,
    receiverCpuMsPerDelivery: 0.4, relayCpuMsPerMessage: 0.1, pacedP50Ms: 2, pacedP99Ms: 5, pacedLoss: 0, bytesWrittenPerDelivery: 100,
  });
  return {
    date, quick: false, seconds: 1, notRun: [],
    machine: { nproc: 2, cpuModel: 'test cpu', memoryBytes: 2 ** 30, loadAverage: [0.1, 0.1, 0.1], node: 'v20', tsMls: '1.6.4', commit: 'abc1234' },
    throughput: [row('sealroom', sealroomRate), row('demo', 100)],
  };
}

// docs/benchmarks.md must keep every earlier run so progress stays visible.
describe('docs/benchmarks.md writer', () => {
  it('appends a run and keeps the earlier ones, each with its chart', () => {
    writeBenchmarksDoc(results('2026-12-01T10:00:00.000Z', 1111), '', root);
    writeBenchmarksDoc(results('2026-12-02T10:00:00.000Z', 2222), 'second run', root);
    const doc = readFileSync(join(dir, 'docs/benchmarks.md'), 'utf8');
    expect(doc.match(/^### Run of /gm)).toHaveLength(2);
    // Newest first in the runs, oldest first in the history table.
    expect(doc.indexOf('### Run of 2026-12-02 10:00')).toBeLessThan(doc.indexOf('### Run of 2026-12-01 10:00'));
    expect(doc.indexOf('| 2026-12-01 10:00 UTC')).toBeLessThan(doc.indexOf('| 2026-12-02 10:00 UTC'));
    expect(doc).toContain('| 1111 | 0 |');
    expect(doc).toContain('| 2222 | 0 |');
    expect(doc).toContain('second run');
    expect(doc).toContain('| K=20 burst deliveries/s vs the demo, 0 loss | ≥ 20× | 22.22×, loss 0 | yes |');
    for (const stamp of ['20261201-1000', '20261202-1000']) {
      const svg = join(dir, `docs/benchmarks/${stamp}-throughput.svg`);
      expect(existsSync(svg)).toBe(true);
      expect(readFileSync(svg, 'utf8')).toMatch(/^<svg [^>]*>[\s\S]*<rect [\s\S]*<\/svg>\n$/);
      expect(doc).toContain(`(benchmarks/${stamp}-throughput.svg)`);
    }
  });
});
