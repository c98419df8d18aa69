// `npm run bench -- [PART...] [--quick]`: the benchmark suite of issue 9. Starts the real relay and real
// headless clients in child processes on 127.0.0.1, prints tables, writes bench/results/latest.json and
// (full runs) docs/benchmarks.md with a chart. Every loop is bounded in count and in time.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseBenchOptions } from './bench-options.js';
import { runClientCrypto } from './parts/part-client-crypto.js';
import { runEndToEnd } from './parts/part-end-to-end.js';
import { runRelayCost } from './parts/part-relay-cost.js';
import { runThroughput } from './parts/part-throughput.js';
import { resultTables, type BenchResults } from './report/bench-results.js';
import { writeBenchmarksDoc } from './report/benchmarks-doc.js';
import { machineInfo } from './report/machine-info.js';
import { textTable } from './report/table.js';

async function main(argv: string[]): Promise<number> {
  const o = parseBenchOptions(argv);
  if ('usage' in o) {
    console.log(o.usage);
    return 0;
  }
  const log = (l: string): void => console.error(`[bench] ${l}`);
  const dir = mkdtempSync(join(tmpdir(), 'sealroom-bench-'));
  const started = performance.now();
  const results: BenchResults = { date: new Date().toISOString(), quick: o.quick, machine: machineInfo(), seconds: 0, notRun: [] };
  try {
    for (const part of o.parts) {
      switch (part) {
        case 'throughput':
          results.throughput = await runThroughput(o, dir, log);
          break;
        case 'relay':
          results.relay = await runRelayCost(o, dir, log);
          break;
        case 'e2e':
          results.endToEnd = await runEndToEnd(o, dir, log);
          break;
        case 'crypto':
          results.crypto = await runClientCrypto(o, log);
          break;
        default:
          throw new Error(`unhandled part ${String(part satisfies never)}`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (!o.groupSizes.includes(1000) && o.parts.includes('crypto')) results.notRun.push('part 4 at N=1000: only in a full run (not --quick)');
  results.seconds = Math.round((performance.now() - started) / 100) / 10;
  for (const t of resultTables(results)) console.log(`\n${t.title}\n${textTable(t.headers, t.rows)}`);
  mkdirSync(dirname(o.json), { recursive: true });
  writeFileSync(o.json, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\n${o.json} written (${results.seconds} s)`);
  if (o.docs) {
    const m = results.machine;
    const loaded = (m.loadAverage[0] ?? 0) > m.nproc / 2 ? `The machine was shared and loaded (load average ${m.loadAverage[0]} on ${m.nproc} cores at the start).` : '';
    console.log(`${writeBenchmarksDoc(results, [loaded, o.note].filter((s) => s !== '').join(' '))} updated`);
  }
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
