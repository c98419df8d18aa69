import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ChildWorker } from './child-worker.js';

/** A relay running in its own process: its URL, its pid (for CPU and RSS readings), and how to stop it. */
export type RelayProcess = { kind: string; url: string; pid: number; stop(): Promise<void> };

const SEALROOM_BIN = fileURLToPath(new URL('../packages/cli/bin/sealroom.js', import.meta.url));

/**
 * The relay's per-address and per-socket bounds protect a public relay from one abuser; every bench
 * client comes from 127.0.0.1 and one sender bursts, so they are lifted (through the operator's own
 * `--limit` flag) to measure the relay's cost rather than its rate limiter.
 */
const BENCH_LIMITS: Record<string, number> = {
  eventsPerSecond: 1_000_000,
  eventBurst: 1_000_000,
  preLoginConnectionsPerIp: 100_000,
  connectionsPerIp: 100_000,
  connectsPerIpPerSecond: 100_000,
  connectBurstPerIp: 100_000,
  accountsPerIpPerHour: 1_000_000,
  accountBurstPerIp: 1_000_000,
  claimsPerMinute: 1_000_000,
  claimBurst: 1_000_000,
  oneTimeClaimsPerTargetPerHour: 1_000_000,
  oneTimeClaimBurstPerTarget: 1_000_000,
  answerBytesPerSecond: 1024 * 1024 * 1024,
  sendBufferBytes: 256 * 1024 * 1024,
};

/** The real relay: `sealroom server 0 --data DIR` (port 0: a free port, on 127.0.0.1 by default). */
export async function startSealroomRelay(dataDir: string, timeoutMs = 60_000): Promise<RelayProcess> {
  const limits = Object.entries(BENCH_LIMITS).flatMap(([k, v]) => ['--limit', `${k}=${v}`]);
  const child = spawn(process.execPath, [SEALROOM_BIN, 'server', '0', '--host', '127.0.0.1', '--data', dataDir, ...limits], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The relay logs one metadata line per event to stderr (as `sealroom server` does for an operator); keep
  // only the tail, to explain a failed start, and drain the rest so a full pipe never blocks the relay.
  let errTail = '';
  child.stderr.on('data', (b: Buffer) => {
    errTail = (errTail + b.toString()).slice(-4000);
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const t = setTimeout(() => reject(new Error(`sealroom server did not start within ${timeoutMs} ms`)), timeoutMs);
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(t);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(t);
      reject(new Error(`sealroom server exited (${code}) before listening: ${out}${errTail}`));
    });
  });
  child.stdout.resume();
  return {
    kind: 'sealroom',
    url,
    pid: child.pid ?? -1,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** A baseline relay (bench/baseline/*-relay.ts) in its own process. */
export async function startBaselineRelay(file: string, kind: string): Promise<RelayProcess> {
  const w = await ChildWorker.start(file, kind);
  const { url } = await w.call<{ url: string }>('listen');
  return { kind, url, pid: w.pid, stop: () => w.stop() };
}
