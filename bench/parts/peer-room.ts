import { join } from 'node:path';
import { ChildWorker } from '../child-worker.js';
import { cpuMsOfAll } from '../process-stats.js';
import { startBaselineRelay, startSealroomRelay, type RelayProcess } from '../relay-process.js';
import { wallMs } from '../stats.js';

export type System = 'sealroom' | 'demo';

/** K users of one system in one room: the sender alone in a process, the receivers spread over a few more. */
export type PeerRoom = {
  system: System;
  relay: RelayProcess;
  sender: { worker: ChildWorker; handle: string };
  receivers: ChildWorker[];
  roomId: string;
  members: number;
  formMs: number;
  close(): Promise<void>;
};

export type RoundResult = {
  expected: number;
  received: number;
  loss: number;
  seconds: number;
  deliveriesPerSecond: number;
  latencies: number[];
  /** CPU of every process (sender, receivers, relay) per chat message. */
  cpuMsPerMessage: number | null;
  /** Receivers' CPU per delivered message. */
  receiverCpuMsPerDelivery: number | null;
  relayCpuMsPerMessage: number | null;
  /** Bytes the receivers' stores were handed to write, per delivered message (0 for the demo: it stores nothing). */
  bytesWrittenPerDelivery: number;
};

const MAX_RECEIVER_PROCESSES = 3;
const WORKER_FILE: Record<System, string> = { sealroom: './workers/sealroom-peer.ts', demo: './baseline/demo-peer.ts' };

/** Start the relay and K users, form the room (Sealroom: one invitation after the other) and wait until all see it. */
export async function formPeerRoom(system: System, k: number, dir: string, tag: string): Promise<PeerRoom> {
  const relay = system === 'sealroom' ? await startSealroomRelay(join(dir, 'relay')) : await startBaselineRelay('./baseline/demo-relay.ts', 'demo-relay');
  const workers: ChildWorker[] = [];
  const close = async (): Promise<void> => {
    await Promise.allSettled(workers.map((w) => w.call('close').catch(() => null)));
    await Promise.allSettled(workers.map((w) => w.stop()));
    await relay.stop();
  };
  try {
    const handles = Array.from({ length: k }, (_, i) => `${tag}u${i}`);
    const procs = Math.min(MAX_RECEIVER_PROCESSES, k - 1);
    const groups: string[][] = Array.from({ length: procs }, () => []);
    handles.slice(1).forEach((h, i) => groups[i % procs]?.push(h));
    const started = wallMs();
    const senderWorker = await ChildWorker.start(WORKER_FILE[system], `${system}-sender`);
    workers.push(senderWorker);
    const receivers = await Promise.all(groups.map((_, i) => ChildWorker.start(WORKER_FILE[system], `${system}-receivers-${i}`)));
    workers.push(...receivers);
    await senderWorker.call('init', { serverUrl: relay.url, dir: join(dir, 'sender'), handles: [handles[0]] });
    await Promise.all(receivers.map((w, i) => w.call('init', { serverUrl: relay.url, dir: join(dir, `receivers-${i}`), handles: groups[i] })));
    const roomId = await senderWorker.call<string>('create', { handle: handles[0], name: 'bench' });
    for (let i = 0; i < groups.length; i++) {
      for (const h of groups[i] ?? []) {
        await senderWorker.call('invite', { handle: handles[0], roomId, invitee: h });
        await receivers[i]?.call('accept', { handle: h, roomId });
      }
    }
    await Promise.all([senderWorker, ...receivers].map((w) => w.call('settle', { roomId, members: k })));
    return {
      system,
      relay,
      sender: { worker: senderWorker, handle: handles[0] as string },
      receivers,
      roomId,
      members: k,
      formMs: wallMs() - started,
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}

type ReceiverStats = { received: number; latencies: number[]; lastAt: number; bytes: number };

/**
 * One round: the sender sends `count` messages of `size` bytes (a burst when `rate` is 0, else paced at
 * `rate` per second); wait until every receiver has all of them or `timeoutMs` passes (then the rest is loss).
 */
export async function runRound(room: PeerRoom, run: string, count: number, size: number, rate: number, timeoutMs: number): Promise<RoundResult> {
  const before = await Promise.all(room.receivers.map((w) => w.call<{ bytes: number }>('arm', { run, expect: count })));
  const receiverPids = room.receivers.map((w) => w.pid);
  const allPids = [room.sender.worker.pid, room.relay.pid, ...receiverPids];
  const cpu0 = { all: cpuMsOfAll(allPids), receivers: cpuMsOfAll(receiverPids), relay: cpuMsOfAll([room.relay.pid]) };
  const done = Promise.allSettled(room.receivers.map((w) => w.waitEvent('done', (d) => (d as { run: string }).run === run, timeoutMs)));
  const t0 = wallMs();
  await room.sender.worker.call('send', { handle: room.sender.handle, roomId: room.roomId, run, count, size, rate });
  await done;
  const stats = await Promise.all(room.receivers.map((w) => w.call<ReceiverStats>('stats')));
  const cpu1 = { all: cpuMsOfAll(allPids), receivers: cpuMsOfAll(receiverPids), relay: cpuMsOfAll([room.relay.pid]) };
  const expected = count * (room.members - 1);
  const received = stats.reduce((n, s) => n + s.received, 0);
  const end = Math.max(...stats.map((s) => s.lastAt));
  const seconds = received > 0 ? (end - t0) / 1000 : Number.NaN;
  const bytes = stats.reduce((n, s, i) => n + s.bytes - (before[i]?.bytes ?? 0), 0);
  const delta = (a: number | null, b: number | null): number | null => (a === null || b === null ? null : b - a);
  const cpuAll = delta(cpu0.all, cpu1.all);
  const cpuReceivers = delta(cpu0.receivers, cpu1.receivers);
  const cpuRelay = delta(cpu0.relay, cpu1.relay);
  return {
    expected,
    received,
    loss: expected - received,
    seconds,
    deliveriesPerSecond: received / seconds,
    latencies: stats.flatMap((s) => s.latencies),
    cpuMsPerMessage: cpuAll === null ? null : cpuAll / count,
    receiverCpuMsPerDelivery: cpuReceivers === null || received === 0 ? null : cpuReceivers / received,
    relayCpuMsPerMessage: cpuRelay === null ? null : cpuRelay / count,
    bytesWrittenPerDelivery: received === 0 ? 0 : bytes / received,
  };
}
