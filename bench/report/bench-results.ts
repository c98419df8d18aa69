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
      title: `Part 3: end to end, ${e.members}-member room at ${e.ratePerSecond} msg/s (send → decrypted and stored)`,
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
  return t;
}
