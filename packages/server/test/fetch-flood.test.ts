import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Limits } from '@sealroom/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blob, connectClient, hexId, newIdentity, sleep, type TestClient } from './helpers.js';
import { framedApp } from './framed.js';

/**
 * Issue 8 item 1 / security.md F7, scaled: 0.1 died of "heap out of memory" after eve stored 500 messages of
 * 160 KiB and sent ~20 `room.fetch {limit: 500}` a second (each answer ~107 MB). Here eve stores N large
 * messages, two of her connections fetch full pages as fast as they are answered, and a third never reads
 * and sends 20 fetches a second (reconnecting whenever the relay drops it). Meanwhile bob, in his own room,
 * sends and asks every 100 ms. The relay runs in its own process so that its peak RSS is its own.
 *
 * Budgets (docs/protocol.md, "Limits"): relay peak RSS under RSS_BUDGET_MIB; bob's median latency under
 * 100 ms and his slowest request under 1 s. The long version (500 messages, 60 s) runs with
 * SEALROOM_SLOW_TESTS=1. FLOOD_LIMITS='{"answerBytes":…}' overrides relay limits (to show the test fails
 * without them).
 */
const slow = process.env['SEALROOM_SLOW_TESTS'] === '1';
const MESSAGES = slow ? 500 : 80;
const FLOOD_MS = slow ? 60_000 : 8_000;
const RSS_BUDGET_MIB = 300;
const extraLimits = JSON.parse(process.env['FLOOD_LIMITS'] ?? '{}') as Record<string, number>;

let child: ChildProcess;
let url: string;
let dir: string;
let stderr = '';

function status(field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
  return m === null ? NaN : Number(m[1]) / 1024;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sealroom-flood-'));
  child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, '_relay-process.ts'), JSON.stringify({ dataDir: dir, limits: extraLimits })],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  url = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`relay did not start: ${stderr}`)), 20_000);
    child.stdout?.on('data', (d: Buffer) => {
      const m = /listening (\S+)/.exec(d.toString());
      if (m?.[1] !== undefined) {
        clearTimeout(t);
        resolve(m[1]);
      }
    });
  });
});
afterAll(() => {
  child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const percentile = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? NaN;

describe('F7 fetch flood', () => {
  it(`keeps the relay under ${RSS_BUDGET_MIB} MiB and another client's latency normal`, { timeout: FLOOD_MS + 60_000 }, async () => {
    const eveId = newIdentity();
    const eve = await connectClient(url, 'eve', eveId);
    const roomId = hexId();
    expect(await eve.call('room.create', { roomId, open: false })).toMatchObject({ ok: true });
    const payload = framedApp(roomId, 0, 160 * 1024);
    for (let i = 0; i < MESSAGES; i++) {
      expect(await eve.call('room.send', { roomId, epoch: 0, msgId: hexId(), kind: 'application', data: payload })).toMatchObject({ ok: true });
    }
    const bob = await connectClient(url, 'bob');
    const bobRoom = hexId();
    await bob.call('room.create', { roomId: bobRoom, open: false });
    const baseline: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t = performance.now();
      await bob.call('room.info', { roomId: bobRoom });
      baseline.push(performance.now() - t);
    }
    const rssBefore = status('VmRSS');

    const end = Date.now() + FLOOD_MS;
    let pages = 0;
    let bytesRead = 0;
    let dropped = 0;
    const failures: string[] = [];
    const reader = async (): Promise<void> => {
      const c = await connectClient(url, 'eve', eveId);
      while (Date.now() < end) {
        const res = await c.call('room.fetch', { roomId, after: 0, limit: Limits.fetchLimit }).catch(() => null);
        if (res?.ok === true) {
          pages++;
          bytesRead += (res.entries as unknown[]).length;
        }
      }
      c.close();
    };
    const nonReader = async (): Promise<void> => {
      while (Date.now() < end) {
        let c: TestClient;
        try {
          c = await connectClient(url, 'eve', eveId);
        } catch {
          await sleep(100);
          continue;
        }
        (c.socket.io.engine as unknown as { transport: { ws: { _socket: { pause(): void } } } }).transport.ws._socket.pause();
        const raw = c.socket as unknown as { emit(ev: string, ...args: unknown[]): void };
        while (Date.now() < end && c.socket.connected) {
          raw.emit('room.fetch', { roomId, after: 0, limit: Limits.fetchLimit }, () => undefined);
          await sleep(50);
        }
        if (!c.socket.connected) dropped++;
        c.close();
      }
    };
    const latencies: number[] = [];
    const honest = async (): Promise<void> => {
      while (Date.now() < end) {
        const t = performance.now();
        const info = await bob.call('room.info', { roomId: bobRoom }).catch((e: unknown) => ({ ok: false, code: String(e) }));
        const sent = await bob
          .call('room.send', { roomId: bobRoom, epoch: 0, msgId: hexId(), kind: 'application', data: framedApp(bobRoom, 0, 200) })
          .catch((e: unknown) => ({ ok: false, code: String(e) }));
        latencies.push((performance.now() - t) / 2);
        if (!info.ok || !sent.ok) failures.push(`${info.code ?? ''} ${sent.code ?? ''}`);
        await sleep(100);
      }
    };
    let peak = 0;
    const sampler = async (): Promise<void> => {
      while (Date.now() < end) {
        peak = Math.max(peak, status('VmRSS'));
        await sleep(200);
      }
    };
    await Promise.all([reader(), reader(), nonReader(), honest(), sampler()]);
    const hwm = status('VmHWM');
    const report = {
      messages: MESSAGES,
      floodMs: FLOOD_MS,
      rssBeforeMiB: Math.round(rssBefore),
      peakRssMiB: Math.round(Math.max(peak, hwm)),
      pages,
      entriesRead: bytesRead,
      nonReaderDropped: dropped,
      baselineP50ms: +percentile(baseline, 0.5).toFixed(1),
      floodP50ms: +percentile(latencies, 0.5).toFixed(1),
      floodP95ms: +percentile(latencies, 0.95).toFixed(1),
      floodMaxms: +Math.max(...latencies).toFixed(1),
      honestRequests: latencies.length,
    };
    console.log(`fetch flood: ${JSON.stringify(report)}`);
    expect(child.exitCode).toBeNull(); // the relay is alive
    expect(failures).toEqual([]);
    expect(pages).toBeGreaterThan(0);
    expect(dropped).toBeGreaterThan(0);
    const warned = stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(warned).toContainEqual(expect.objectContaining({ level: 'warn', msg: 'send buffer over limit', handle: 'eve' }));
    expect(report.peakRssMiB).toBeLessThan(RSS_BUDGET_MIB);
    expect(report.floodP50ms).toBeLessThan(100);
    expect(report.floodMaxms).toBeLessThan(1000);
    eve.close();
    bob.close();
  });
});
