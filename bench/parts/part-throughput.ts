import { join } from 'node:path';
import type { BenchOptions } from '../bench-options.js';
import { median, percentile, round } from '../stats.js';
import { formPeerRoom, runRound, type PeerRoom, type RoundResult, type System } from './peer-room.js';

export type ThroughputRow = {
  system: System;
  users: number;
  formSeconds: number;
  burstDeliveriesPerSecond: number;
  burstLoss: number;
  burstExpected: number;
  cpuMsPerMessage: number | null;
  receiverCpuMsPerDelivery: number | null;
  relayCpuMsPerMessage: number | null;
  pacedP50Ms: number;
  pacedP99Ms: number;
  pacedLoss: number;
  bytesWrittenPerDelivery: number;
};

const MESSAGE_BYTES = 100;

function summarize(room: PeerRoom, bursts: RoundResult[], paced: RoundResult[]): ThroughputRow {
  const nz = (xs: (number | null)[]): number | null => (xs.some((x) => x === null) ? null : round(median(xs as number[]), 3));
  return {
    system: room.system,
    users: room.members,
    formSeconds: round(room.formMs / 1000),
    burstDeliveriesPerSecond: round(median(bursts.map((b) => b.deliveriesPerSecond)), 1),
    burstLoss: bursts.reduce((n, b) => n + b.loss, 0),
    burstExpected: bursts.reduce((n, b) => n + b.expected, 0),
    cpuMsPerMessage: nz(bursts.map((b) => b.cpuMsPerMessage)),
    receiverCpuMsPerDelivery: nz(bursts.map((b) => b.receiverCpuMsPerDelivery)),
    relayCpuMsPerMessage: nz(bursts.map((b) => b.relayCpuMsPerMessage)),
    pacedP50Ms: round(percentile(paced.flatMap((p) => p.latencies), 50)),
    pacedP99Ms: round(percentile(paced.flatMap((p) => p.latencies), 99)),
    pacedLoss: paced.reduce((n, p) => n + p.loss, 0),
    bytesWrittenPerDelivery: round(median(bursts.map((b) => b.bytesWrittenPerDelivery)), 0),
  };
}

/**
 * Part 1: one sender bursting 100-byte messages into rooms of K users, Sealroom next to our reproduction of
 * the original demo's scheme, both started by this harness in this run, rounds interleaved between the two
 * so that the machine's load hits both alike.
 */
export async function runThroughput(o: BenchOptions, dir: string, log: (l: string) => void): Promise<ThroughputRow[]> {
  const rows: ThroughputRow[] = [];
  // A burst's deliveries are bounded by count; time is bounded here (the rest counts as loss).
  const timeoutMs = o.quick ? 20_000 : 60_000;
  for (const k of o.users) {
    const rooms: PeerRoom[] = [];
    try {
      for (const system of ['sealroom', 'demo'] as const) {
        log(`part 1: forming a ${k}-user ${system} room`);
        rooms.push(await formPeerRoom(system, k, join(dir, `tp-${system}-${k}`), `t${k}${system[0]}`));
      }
      const results = new Map<PeerRoom, { bursts: RoundResult[]; paced: RoundResult[] }>(rooms.map((r) => [r, { bursts: [], paced: [] }]));
      for (let round = 0; round < o.rounds; round++) {
        for (const room of rooms) {
          const b = await runRound(room, `b${round}`, o.burst, MESSAGE_BYTES, 0, timeoutMs);
          results.get(room)?.bursts.push(b);
          log(`part 1: K=${k} ${room.system} burst ${b.received}/${b.expected} in ${b.seconds.toFixed(2)} s`);
        }
        for (const room of rooms) {
          const p = await runRound(room, `p${round}`, o.paced, MESSAGE_BYTES, o.pacedRate, timeoutMs);
          results.get(room)?.paced.push(p);
        }
      }
      for (const room of rooms) {
        const r = results.get(room);
        if (r) rows.push(summarize(room, r.bursts, r.paced));
      }
    } finally {
      for (const room of rooms) await room.close();
    }
  }
  return rows;
}
