import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resultTables, type BenchResults } from './bench-results.js';
import { barChartSvg } from './svg-chart.js';
import { markdownTable } from './table.js';

const REPO = new URL('../../', import.meta.url);
const DOC = 'docs/benchmarks.md';
const CHART_DIR = 'docs/benchmarks';
const HISTORY_START = '<!-- bench:history:start -->';
const HISTORY_END = '<!-- bench:history:end -->';
const RUNS_START = '<!-- bench:runs:start -->';
const RUNS_END = '<!-- bench:runs:end -->';

const HEADER = `# Benchmarks

Measured by \`npm run bench\` (the suite in \`bench/\`, issue 9). It starts the real relay (\`sealroom server\`)
and real headless engines (\`SealroomClient\` on the proxy's SQLite store, one store per user) in separate
processes on 127.0.0.1, and in the same run our reproduction of the original demo's scheme
(\`bench/baseline/demo-*.ts\`: 2048-bit modp14 DH and AES-256-CBC per recipient per message, a relay that
broadcasts every ciphertext to everyone) and a plain socket.io relay (\`bench/baseline/plain-relay.ts\`).
Compare ratios within one run: these machines are shared and noisy.

    npm run bench                      # all four parts, writes this file, its charts and bench/results/latest.json
    npm run bench -- --quick           # smoke run in seconds; JSON only
    npm run bench -- throughput relay  # some parts: throughput (1), relay (2), e2e (3), crypto (4)
    npm run bench -- relay --quick --relay-sizes 10 --no-docs --json /tmp/r.json

- **Part 1** one sender bursts 100-byte messages into a room of K users (then a paced round at 10 msg/s for
  latency); deliveries/s from the first send to the last receipt, loss = expected − received after a bounded
  wait; CPU summed over every process (sender, receivers, relay) from /proc. Sealroom receivers decrypt and
  store durably (SQLite, \`synchronous = FULL\`); the demo's proxies stored nothing, and neither does ours.
- **Part 2** server CPU µs per delivery and deliveries/s with one sender keeping 32 sends in flight, the
  Sealroom relay (durable log, the relay's per-address limits lifted with \`--limit\`) vs a plain socket.io
  relay, the same payload (a real MLS message of 100 bytes of text, base64) and the same load processes;
  RSS per idle connection is the relay's RSS growth over the room's connections divided by their number.
- **Part 3** send → decrypted and stored at every receiver, 10-member room, 200 msg/s.
- **Part 4** packages/mls (Node crypto provider) and stock ts-mls (its default provider) in one process;
  rooms built by one inviter in batches of 100 Adds; member B (added last) joins from its Welcome, decrypts,
  processes an Add and a Remove. "Store bytes/delivery" in parts 1 and 3 is what the receivers' stores hand
  SQLite per received message (bound parameters of every write, metered in \`bench/workers/write-meter.ts\`);
  page and WAL overhead come on top.

Our demo reproduction is faster than the original demo was (socket.io 4 instead of 1.4.5, no browser hop,
no 2-second key refresh): compare Sealroom with it, within one run, as a floor for the original scheme, not
as the original itself.

Before this suite, the design notes (../shared/design/baselines.md, 2026-12-02, another harness and the
original demo itself) had: burst deliveries/s demo / Sealroom 114 / 102 at K=2 and 117 / 82 at K=20; 26 KB
written per received message at N=10, 79 KB at 100; relay 8.4 vs 7.9 µs/delivery at room 100.

## History

One line per recorded run (full runs only), newest last.

`;

const HISTORY_HEADER = '| date | commit | load at start | K=20 deliveries/s Sealroom / demo | relay µs/delivery room 100, Sealroom / plain | e2e p50 / p99 ms | decrypt N=100 ms | store bytes/delivery (K=10) |\n| --- | --- | --- | --- | --- | --- | --- | --- |';

function between(text: string, start: string, end: string): string | null {
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  return a >= 0 && b > a ? text.slice(a + start.length, b).trim() : null;
}

function historyLine(r: BenchResults): string {
  const tp = (s: string, k: number) => r.throughput?.find((x) => x.system === s && x.users === k)?.burstDeliveriesPerSecond ?? '-';
  const rl = (s: string) => r.relay?.find((x) => x.relay === s && x.roomSize === 100)?.serverUsPerDelivery ?? '-';
  const e = r.endToEnd;
  const dec = r.crypto?.find((x) => x.n === 100 && x.impl.startsWith('sealroom'))?.decryptMs ?? '-';
  const bytes = r.throughput?.find((x) => x.system === 'sealroom' && x.users === 10)?.bytesWrittenPerDelivery ?? e?.bytesWrittenPerDelivery ?? '-';
  return `| ${r.date.slice(0, 16).replace('T', ' ')} UTC | ${r.machine.commit} | ${r.machine.loadAverage[0] ?? '-'} | ${tp('sealroom', 20)} / ${tp('demo', 20)} | ${rl('sealroom')} / ${rl('plain')} | ${e ? `${e.p50Ms} / ${e.p99Ms}` : '-'} | ${dec} | ${bytes} |`;
}

function charts(r: BenchResults, stamp: string, root: URL): string[] {
  const made: string[] = [];
  const write = (name: string, svg: string): void => {
    const rel = `${CHART_DIR}/${stamp}-${name}.svg`;
    writeFileSync(fileURLToPath(new URL(rel, root)), svg);
    made.push(rel);
  };
  if (r.throughput) {
    const ks = [...new Set(r.throughput.map((x) => x.users))];
    const of = (s: string) => ks.map((k) => r.throughput?.find((x) => x.system === s && x.users === k)?.burstDeliveriesPerSecond ?? null);
    write('throughput', barChartSvg({
      title: 'Part 1: burst deliveries/s by room size K (same run)',
      unit: 'deliveries/s',
      categories: ks.map((k) => `K=${k}`),
      series: [{ name: 'Sealroom', colour: '#2a6f97', values: of('sealroom') }, { name: 'original demo scheme', colour: '#c8553d', values: of('demo') }],
      log: true,
    }));
  }
  if (r.relay) {
    const sizes = [...new Set(r.relay.map((x) => x.roomSize))];
    const of = (s: string) => sizes.map((n) => r.relay?.find((x) => x.relay === s && x.roomSize === n)?.serverUsPerDelivery ?? null);
    write('relay', barChartSvg({
      title: 'Part 2: relay CPU µs per delivery by room size (lower is better)',
      unit: 'µs/delivery',
      categories: sizes.map((n) => `room ${n}`),
      series: [{ name: 'Sealroom relay', colour: '#2a6f97', values: of('sealroom') }, { name: 'plain socket.io', colour: '#8d99ae', values: of('plain') }],
    }));
  }
  return made;
}

function runSection(r: BenchResults, chartFiles: string[], note: string): string {
  const m = r.machine;
  const lines = [
    `### Run of ${r.date.slice(0, 16).replace('T', ' ')} UTC (${m.commit})`,
    '',
    `Machine: ${m.nproc} × ${m.cpuModel}, ${(m.memoryBytes / 2 ** 30).toFixed(1)} GiB; load average at start ${m.loadAverage.join(' / ')}. ` +
      `Node ${m.node}, ts-mls ${m.tsMls}. ${r.quick ? 'Quick (smoke) run. ' : ''}Took ${r.seconds} s.${note ? ` ${note}` : ''}`,
    '',
    ...chartFiles.map((f) => `![${f}](${f.replace(/^docs\//, '')})`),
    '',
  ];
  for (const t of resultTables(r)) lines.push(`**${t.title}**`, '', markdownTable(t.headers, t.rows), '');
  if (r.notRun.length > 0) lines.push(`Not run: ${r.notRun.join('; ')}.`, '');
  return lines.join('\n');
}

/**
 * Write docs/benchmarks.md: the fixed explanation, the history table (previous lines kept, this run
 * appended) and the runs (this one first, every earlier section kept as it was), plus this run's charts.
 */
export function writeBenchmarksDoc(r: BenchResults, note = '', root: URL = REPO): string {
  const path = fileURLToPath(new URL(DOC, root));
  mkdirSync(fileURLToPath(new URL(CHART_DIR, root)), { recursive: true });
  const old = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const oldHistory = (between(old, HISTORY_START, HISTORY_END) ?? '').split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| date') && !l.startsWith('| ---'));
  const oldRuns = between(old, RUNS_START, RUNS_END) ?? '';
  const stamp = r.date.slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
  const section = runSection(r, charts(r, stamp, root), note);
  const doc = [
    HEADER,
    HISTORY_START,
    HISTORY_HEADER,
    ...oldHistory,
    historyLine(r),
    HISTORY_END,
    '',
    '## Runs',
    '',
    'Newest first; every earlier run is kept below as it was written.',
    '',
    RUNS_START,
    section,
    oldRuns,
    RUNS_END,
    '',
  ].join('\n');
  writeFileSync(path, doc);
  return DOC;
}
