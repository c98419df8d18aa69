import type { CryptoRow } from '../parts/part-client-crypto.js';
import type { EndToEndResult } from '../parts/part-end-to-end.js';
import type { RelayRow } from '../parts/part-relay-cost.js';
import type { ThroughputRow } from '../parts/part-throughput.js';
import type { MachineInfo } from './machine-info.js';

/** bench/results/latest.json: everything one run measured, with where and when. */
export type BenchResults = {
  date: string;
  quick: boolean;
  machine: MachineInfo;
  seconds: number;
  throughput?: ThroughputRow[];
  relay?: RelayRow[];
  endToEnd?: EndToEndResult;
  crypto?: CryptoRow[];
  notRun: string[];
};

type Table = { title: string; headers: string[]; rows: unknown[][] };

/** The tables every report shows (terminal and docs/benchmarks.md), built once from the results. */
export function resultTables(r: BenchResults): Table[] {
  const t: Table[] = [];
  if (r.throughput) {
    t.push({
      title: 'Part 1: one sender bursting 100 B into K users, Sealroom vs the original demo\'s scheme',
      headers: ['system', 'K', 'burst deliveries/s', 'loss', 'CPU ms/msg (all processes)', 'receiver CPU ms/delivery', 'relay CPU ms/msg', 'paced p50 ms', 'paced p99 ms', 'store bytes/delivery', 'room formed s'],
      rows: r.throughput.map((x) => [x.system, x.users, x.burstDeliveriesPerSecond, `${x.burstLoss + x.pacedLoss}`, x.cpuMsPerMessage, x.receiverCpuMsPerDelivery, x.relayCpuMsPerMessage, x.pacedP50Ms, x.pacedP99Ms, x.system === 'demo' ? 'stores nothing' : x.bytesWrittenPerDelivery, x.formSeconds]),
    });
    const ratios = r.throughput.filter((x) => x.system === 'sealroom').map((s) => {
      const d = r.throughput?.find((x) => x.system === 'demo' && x.users === s.users);
      return [s.users, d ? (s.burstDeliveriesPerSecond / d.burstDeliveriesPerSecond).toFixed(2) : '-', d && s.cpuMsPerMessage !== null && d.cpuMsPerMessage ? (s.cpuMsPerMessage / d.cpuMsPerMessage).toFixed(2) : '-'];
    });
    t.push({ title: 'Part 1 ratios in this run (Sealroom / demo; target ≥ 20× deliveries/s at K=20)', headers: ['K', 'deliveries/s ×', 'CPU per message ×'], rows: ratios });
  }
  if (r.relay) {
    t.push({
      title: 'Part 2: relay cost, one sender with 32 sends in flight',
      headers: ['relay', 'room', 'payload chars', 'messages', 'deliveries', 'deliveries/s', 'server µs/delivery', 'RSS bytes/idle connection'],
      rows: r.relay.map((x) => [x.relay, x.roomSize, x.payloadChars, x.sent, `${x.deliveries}/${x.expectedDeliveries}`, x.deliveriesPerSecond, x.serverUsPerDelivery, x.idleRssBytesPerConnection]),
    });
  }
  if (r.endToEnd) {
    const e = r.endToEnd;
    t.push({
      title: `Part 3: end to end, ${e.members}-member room at ${e.ratePerSecond} msg/s (send → decrypted and stored; not arrived 45 s after the last send = lost)`,
      headers: ['messages', 'delivered', 'p50 ms', 'p99 ms', 'max ms', 'store bytes/delivery', 'receiver CPU ms/delivery'],
      rows: [[e.messages, `${e.received}/${e.expected}`, e.p50Ms, e.p99Ms, e.maxMs, e.bytesWrittenPerDelivery, e.receiverCpuMsPerDelivery]],
    });
  }
  if (r.crypto) {
    t.push({
      title: 'Part 4: client crypto and state (ms, median; rooms built by one inviter)',
      headers: ['implementation', 'N', 'encrypt 100 B', 'decrypt 100 B', 'process Add', 'process Remove', 'join from Welcome', 'external join', 'state bytes', 'build s', 'not run'],
      rows: r.crypto.map((x) => [x.impl, x.n, x.encryptMs, x.decryptMs, x.processAddMs, x.processRemoveMs, x.joinWelcomeMs, x.externalJoinMs, x.stateBytes, x.buildSeconds, x.notRun]),
    });
  }
  const targets = targetRows(r);
  if (targets.length > 0) t.push({ title: "Issue 9's targets, this run", headers: ['target', 'goal', 'measured', 'met'], rows: targets });
  return t;
}

/** Each target of issue 9 this run measured: goal, figure, and whether it is met (ratios are within this run). */
function targetRows(r: BenchResults): unknown[][] {
  const rows: unknown[][] = [];
  const add = (what: string, goal: string, value: number | null | undefined, ok: (v: number) => boolean, shown?: string): void => {
    if (value === null || value === undefined || !Number.isFinite(value)) return;
    rows.push([what, goal, shown ?? String(Math.round(value * 1000) / 1000), ok(value) ? 'yes' : 'no']);
  };
  const s20 = r.throughput?.find((x) => x.system === 'sealroom' && x.users === 20);
  const d20 = r.throughput?.find((x) => x.system === 'demo' && x.users === 20);
  if (s20 && d20) {
    const ratio = s20.burstDeliveriesPerSecond / d20.burstDeliveriesPerSecond;
    add('K=20 burst deliveries/s vs the demo, 0 loss', '≥ 20×', ratio, (v) => v >= 20 && s20.burstLoss === 0, `${ratio.toFixed(2)}×, loss ${s20.burstLoss}`);
    add('K=20 receiver CPU per delivery', '≤ 0.5 ms', s20.receiverCpuMsPerDelivery, (v) => v <= 0.5);
  }
  const c100 = r.crypto?.find((x) => x.n === 100 && x.impl.startsWith('sealroom'));
  add('encrypt 100 B, N=100', '≤ 0.10 ms', c100?.encryptMs, (v) => v <= 0.1);
  add('decrypt 100 B, N=100', '≤ 0.20 ms', c100?.decryptMs, (v) => v <= 0.2);
  const biggest = r.throughput?.filter((x) => x.system === 'sealroom').at(-1);
  if (biggest) add(`store bytes per received message (K=${biggest.users}; N=100 is not formed through proxies)`, '≤ 2 KB at N=100', biggest.bytesWrittenPerDelivery, (v) => v <= 2048);
  add('end to end p50, 10 members at 200 msg/s', '≤ 3 ms', r.endToEnd?.p50Ms, (v) => v <= 3);
  add('end to end p99', '≤ 15 ms', r.endToEnd?.p99Ms, (v) => v <= 15);
  const c1000 = r.crypto?.find((x) => x.n === 1000 && x.impl.startsWith('sealroom'));
  add('process an Add, N=1000', '≤ 50 ms', c1000?.processAddMs, (v) => v <= 50);
  add('process a Remove, N=1000', '≤ 50 ms', c1000?.processRemoveMs, (v) => v <= 50);
  add('join from Welcome, N=1000', '≤ 200 ms', c1000?.joinWelcomeMs, (v) => v <= 200);
  add('external join, N=1000', '≤ 1 s', c1000?.externalJoinMs, (v) => v <= 1000);
  const sr = r.relay?.find((x) => x.relay === 'sealroom' && x.roomSize === 100);
  const pr = r.relay?.find((x) => x.relay === 'plain' && x.roomSize === 100);
  if (sr?.serverUsPerDelivery && pr?.serverUsPerDelivery) {
    const ratio = sr.serverUsPerDelivery / pr.serverUsPerDelivery;
    add('relay µs/delivery vs plain socket.io, room 100', '≤ 1.15×', ratio, (v) => v <= 1.15, `${ratio.toFixed(2)}×`);
  }
  const rss = r.relay?.filter((x) => x.relay === 'sealroom').at(-1);
  if (rss) add(`relay RSS per idle connection (room ${rss.roomSize})`, '≤ 30 KB', rss.idleRssBytesPerConnection, (v) => v <= 30 * 1024, `${Math.round((rss.idleRssBytesPerConnection ?? 0) / 1024)} KB`);
  return rows;
}
