import { parseArgs } from 'node:util';

export const PARTS = ['throughput', 'relay', 'e2e', 'crypto'] as const;
export type Part = (typeof PARTS)[number];

/** What one `npm run bench` does: which parts, how big, and where the results go. */
export type BenchOptions = {
  parts: Part[];
  quick: boolean;
  /** Part 1: room sizes K. */
  users: number[];
  /** Part 1: messages per burst, per paced round, and the paced rate. */
  burst: number;
  paced: number;
  pacedRate: number;
  rounds: number;
  /** Part 2: room sizes on the relay, messages per saturated run. */
  relaySizes: number[];
  relayMessages: number;
  /** Part 3: messages at 200 msg/s. */
  e2eMessages: number;
  /** Part 4: group sizes N and repetitions of encrypt/decrypt. */
  groupSizes: number[];
  cryptoReps: number;
  /** Write docs/benchmarks.md and its chart (off for the smoke test, which only writes JSON). */
  docs: boolean;
  json: string;
  /** A sentence for the run's section in docs/benchmarks.md (e.g. what else loaded the machine). */
  note: string;
};

const USAGE = `npm run bench -- [PART...] [--quick] [--users 2,5] [--relay-sizes 10,100] [--groups 10,100] [--no-docs] [--json FILE] [--note TEXT]
  PART: throughput (1: side by side with the original demo), relay (2), e2e (3), crypto (4); default all four
  --quick: a smoke run in seconds (small rooms, few messages)`;

const list = (s: string | undefined, dflt: number[]): number[] =>
  s === undefined ? dflt : s.split(',').map((x) => {
    const n = Number(x);
    if (!Number.isInteger(n) || n < 1 || n > 1000) throw new RangeError(`not a size: ${x}`);
    return n;
  });

export function parseBenchOptions(argv: string[]): BenchOptions | { usage: string } {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      quick: { type: 'boolean' },
      users: { type: 'string' },
      'relay-sizes': { type: 'string' },
      groups: { type: 'string' },
      'no-docs': { type: 'boolean' },
      json: { type: 'string' },
      note: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return { usage: USAGE };
  const parts = positionals.length === 0 ? [...PARTS] : positionals.map((p) => {
    if (!(PARTS as readonly string[]).includes(p)) throw new RangeError(`unknown part ${p}\n${USAGE}`);
    return p as Part;
  });
  const quick = values.quick ?? false;
  return {
    parts,
    quick,
    users: list(values.users, quick ? [2, 5] : [2, 5, 10, 20]),
    burst: quick ? 20 : 100,
    paced: quick ? 10 : 30,
    pacedRate: 10,
    rounds: quick ? 1 : 2,
    relaySizes: list(values['relay-sizes'], quick ? [10, 100] : [10, 100, 1000]),
    relayMessages: quick ? 200 : 2000,
    e2eMessages: quick ? 100 : 600,
    groupSizes: list(values.groups, quick ? [10, 100] : [10, 100, 1000]),
    cryptoReps: quick ? 30 : 200,
    // A quick run is a smoke test: it does not replace the recorded results.
    docs: !(values['no-docs'] ?? quick),
    json: values.json ?? 'bench/results/latest.json',
    note: values.note ?? '',
  };
}
