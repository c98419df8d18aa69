import { join } from 'node:path';
import type { BenchOptions } from '../bench-options.js';
import { ChildWorker } from '../child-worker.js';
import { cpuMsOf, rssOf } from '../process-stats.js';
import { startBaselineRelay, startSealroomRelay, type RelayProcess } from '../relay-process.js';
import { round } from '../stats.js';

export type RelayRow = {
  relay: 'sealroom' | 'plain';
  roomSize: number;
  payloadChars: number;
  sent: number;
  deliveries: number;
  expectedDeliveries: number;
  deliveriesPerSecond: number;
  serverUsPerDelivery: number | null;
  idleRssBytesPerConnection: number | null;
};

const LOAD_PROCESSES = 2;
const WINDOW = 32;
const TEXT_BYTES = 100;

async function settle(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

async function waitDeliveries(load: ChildWorker[], expected: number, timeoutMs: number): Promise<number> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const got = (await Promise.all(load.map((w) => w.call<{ received: number }>('stats')))).reduce((n, s) => n + s.received, 0);
    if (got >= expected || Date.now() > end) return got;
    await settle(10);
  }
}

async function measure(kind: 'sealroom' | 'plain', size: number, o: BenchOptions, dir: string, payload: string | null): Promise<RelayRow & { data: string }> {
  const relay: RelayProcess = kind === 'sealroom' ? await startSealroomRelay(join(dir, `relay-${size}`)) : await startBaselineRelay('./baseline/plain-relay.ts', 'plain-relay');
  const load: ChildWorker[] = [];
  try {
    load.push(...(await Promise.all(Array.from({ length: LOAD_PROCESSES }, (_, i) => ChildWorker.start('./workers/relay-load.ts', `relay-load-${i}`)))));
    const handles = Array.from({ length: size }, (_, i) => `r${size}m${i}`);
    const roomName = `plain${size}`;
    await settle(300);
    const rss0 = rssOf(relay.pid);
    for (let p = 0; p < LOAD_PROCESSES; p++) {
      await load[p]?.call('init', { mode: kind, serverUrl: relay.url, handles: handles.filter((_, i) => i % LOAD_PROCESSES === p), room: roomName });
    }
    await settle(500);
    const rss1 = rssOf(relay.pid);
    const sender = load[0] as ChildWorker;
    const setup = await sender.call<{ dataChars: number; data: string }>('setup', { handle: handles[0], members: handles.slice(1), textBytes: TEXT_BYTES, room: roomName, data: payload ?? '' });
    // Routing happens as commits land; a little time for every socket to be in the room.
    await settle(300);
    await Promise.all(load.map((w) => w.call('reset')));
    const count = Math.max(20, Math.round(o.relayMessages / Math.sqrt(size / 10)));
    const cpu0 = cpuMsOf(relay.pid);
    const t0 = performance.now();
    const blast = await sender.call<{ sent: number; ms: number }>('blast', { handle: handles[0], count, window: WINDOW, maxMs: o.quick ? 5_000 : 20_000 });
    const expected = blast.sent * size;
    const deliveries = await waitDeliveries(load, expected, 15_000);
    const cpu1 = cpuMsOf(relay.pid);
    // From the first send until the last delivery was counted (to within one 10 ms poll).
    const seconds = (performance.now() - t0) / 1000;
    return {
      relay: kind,
      roomSize: size,
      payloadChars: setup.dataChars,
      sent: blast.sent,
      deliveries,
      expectedDeliveries: expected,
      deliveriesPerSecond: round(deliveries / seconds, 0),
      serverUsPerDelivery: cpu0 === null || cpu1 === null || deliveries === 0 ? null : round(((cpu1 - cpu0) * 1000) / deliveries, 2),
      idleRssBytesPerConnection: rss0 === null || rss1 === null ? null : Math.round((rss1 - rss0) / size),
      data: setup.data,
    };
  } finally {
    await Promise.allSettled(load.map((w) => w.call('close').catch(() => null)));
    await Promise.allSettled(load.map((w) => w.stop()));
    await relay.stop();
  }
}

/**
 * Part 2: the Sealroom relay (`sealroom server`, durable log) and a plain socket.io relay, same room sizes,
 * same payload (a real MLS application message of 100 bytes, base64 as on Sealroom's wire), same load
 * processes: server CPU µs per delivery and deliveries/s with one sender keeping 32 sends in flight.
 */
export async function runRelayCost(o: BenchOptions, dir: string, log: (l: string) => void): Promise<RelayRow[]> {
  const rows: RelayRow[] = [];
  for (const size of o.relaySizes) {
    log(`part 2: room ${size}, sealroom relay`);
    const { data, ...s } = await measure('sealroom', size, o, dir, null);
    rows.push(s);
    log(`part 2: room ${size}, plain socket.io relay`);
    const { data: _unused, ...p } = await measure('plain', size, o, dir, data);
    rows.push(p);
  }
  return rows;
}
