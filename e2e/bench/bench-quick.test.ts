import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { BenchResults } from '../../bench/report/bench-results.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'sealroom-bench-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The smoke of `npm run bench -- --quick`: parts 1 and 2 with the smallest rooms, through the same entry
// point, real processes and all. It fails when a part breaks, loses messages or reports nothing.
describe('npm run bench -- --quick', () => {
  it('runs parts 1 and 2 and writes sane JSON with no loss', async () => {
    const json = join(dir, 'quick.json');
    await run(process.execPath, ['--import', 'tsx', 'bench/run.ts', 'throughput', 'relay', '--quick', '--users', '2', '--relay-sizes', '10', '--no-docs', '--json', json], {
      timeout: 110_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    const r = JSON.parse(readFileSync(json, 'utf8')) as BenchResults;
    expect(r.quick).toBe(true);
    expect(r.machine.nproc).toBeGreaterThan(0);

    const tp = r.throughput ?? [];
    expect(tp.map((x) => `${x.system}:${x.users}`).sort()).toEqual(['demo:2', 'sealroom:2']);
    for (const x of tp) {
      expect(x.burstExpected).toBeGreaterThan(0);
      expect(x.burstLoss).toBe(0);
      expect(x.pacedLoss).toBe(0);
      expect(x.burstDeliveriesPerSecond).toBeGreaterThan(0);
      expect(x.pacedP50Ms).toBeGreaterThan(0);
      expect(x.pacedP99Ms).toBeGreaterThanOrEqual(x.pacedP50Ms);
      expect(x.cpuMsPerMessage).toBeGreaterThan(0);
    }
    // Every Sealroom receiver stores what it received: its store is handed bytes for each message.
    expect(tp.find((x) => x.system === 'sealroom')?.bytesWrittenPerDelivery).toBeGreaterThan(100);

    const relay = r.relay ?? [];
    expect(relay.map((x) => x.relay).sort()).toEqual(['plain', 'sealroom']);
    for (const x of relay) {
      expect(x.roomSize).toBe(10);
      expect(x.sent).toBeGreaterThan(0);
      expect(x.deliveries).toBe(x.expectedDeliveries);
      expect(x.deliveriesPerSecond).toBeGreaterThan(0);
      expect(x.serverUsPerDelivery).toBeGreaterThan(0);
    }
    // Both relays carried the same bytes: the comparison is of like with like.
    expect(relay[0]?.payloadChars).toBe(relay[1]?.payloadChars);
  });
});
