import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const SEALROOM_BIN = fileURLToPath(new URL('../packages/cli/bin/sealroom.js', import.meta.url));

/** A free TCP port on loopback (listen on 0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const p = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(p));
    });
  });
}

export type Spawned = {
  child: ChildProcess;
  /** stdout and stderr so far, interleaved. */
  output: () => string;
  line: RegExpMatchArray;
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code (null if killed by a signal). */
  stop(graceMs?: number): Promise<number | null>;
};

/** Run `sealroom ARGS…` as its own process and wait for a stdout line matching `ready`. */
export async function spawnSealroom(args: string[], ready: RegExp, timeoutMs = 60_000): Promise<Spawned> {
  const child = spawn(process.execPath, [SEALROOM_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let out = '';
  let stdout = '';
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const line = await new Promise<RegExpMatchArray>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`sealroom ${args.join(' ')} did not start:\n${out}`)), timeoutMs);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      stdout += d.toString();
      const m = stdout.match(ready);
      if (m) {
        clearTimeout(t);
        resolve(m);
      }
    });
    void exited.then((code) => {
      clearTimeout(t);
      reject(new Error(`sealroom ${args.join(' ')} exited with ${code}:\n${out}`));
    });
  });
  const stop = async (graceMs = 5000): Promise<number | null> => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.kill('SIGTERM');
    const code = await exited;
    clearTimeout(t);
    return code;
  };
  return { child, line, output: () => out, exited, stop };
}

/** Run a one-shot `sealroom ARGS…` to completion. */
export function runSealroom(args: string[], timeoutMs = 30_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [SEALROOM_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const t = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(t);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * Login links for the proxy whose data directory is `proxyDir`: the one it printed first (a code works
 * once), then fresh ones from `sealroom open --proxy DIR`.
 */
export function loginLinks(printed: string, proxyDir: string): () => Promise<string> {
  let first: string | null = printed;
  return async () => {
    if (first !== null) {
      const link = first;
      first = null;
      return link;
    }
    const r = await runSealroom(['open', '--proxy', proxyDir]);
    if (r.code !== 0) throw new Error(`sealroom open --proxy ${proxyDir} → ${r.code}: ${r.stderr}`);
    return r.stdout.trim();
  };
}
