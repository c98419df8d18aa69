import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';

export type MachineInfo = {
  nproc: number;
  cpuModel: string;
  memoryBytes: number;
  loadAverage: number[];
  node: string;
  tsMls: string;
  commit: string;
};

function tsMlsVersion(): string {
  try {
    const p = JSON.parse(readFileSync(new URL('../../node_modules/ts-mls/package.json', import.meta.url), 'utf8')) as { version: string };
    return p.version;
  } catch {
    return 'unknown';
  }
}

function gitCommit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim() !== '';
    return dirty ? `${head} (work tree modified)` : head;
  } catch {
    return 'unknown';
  }
}

/** Where a run happened: the machine, its load when the run started, and the versions measured. */
export function machineInfo(): MachineInfo {
  return {
    nproc: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryBytes: totalmem(),
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
    node: process.version,
    tsMls: tsMlsVersion(),
    commit: gitCommit(),
  };
}
