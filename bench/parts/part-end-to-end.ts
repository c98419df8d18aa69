import { join } from 'node:path';
import type { BenchOptions } from '../bench-options.js';
import { percentile, round } from '../stats.js';
import { formPeerRoom, runRound } from './peer-room.js';

export type EndToEndResult = {
  members: number;
  ratePerSecond: number;
  messages: number;
  expected: number;
  received: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  bytesWrittenPerDelivery: number;
  receiverCpuMsPerDelivery: number | null;
};

const MEMBERS = 10;
const RATE = 200;

/** Part 3: send → decrypted and stored at every receiver, a 10-member room at 200 msg/s, real proxies' engines. */
export async function runEndToEnd(o: BenchOptions, dir: string, log: (l: string) => void): Promise<EndToEndResult> {
  log(`part 3: forming a ${MEMBERS}-member room`);
  const room = await formPeerRoom('sealroom', MEMBERS, join(dir, 'e2e'), 'e2e');
  try {
    // Bounded: the paced send takes messages/RATE seconds; what has not arrived 45 s later counts as lost.
    const r = await runRound(room, 'e', o.e2eMessages, 100, RATE, o.e2eMessages * (1000 / RATE) + 45_000);
    log(`part 3: ${r.received}/${r.expected} delivered`);
    return {
      members: MEMBERS,
      ratePerSecond: RATE,
      messages: o.e2eMessages,
      expected: r.expected,
      received: r.received,
      p50Ms: round(percentile(r.latencies, 50)),
      p99Ms: round(percentile(r.latencies, 99)),
      maxMs: round(percentile(r.latencies, 100)),
      bytesWrittenPerDelivery: round(r.bytesWrittenPerDelivery, 0),
      receiverCpuMsPerDelivery: r.receiverCpuMsPerDelivery === null ? null : round(r.receiverCpuMsPerDelivery, 3),
    };
  } finally {
    await room.close();
  }
}
