import { readFileSync } from 'node:fs';

// /proc/<pid>/stat counts CPU in clock ticks; Linux uses 100 per second on every platform Node supports.
const TICKS_PER_SECOND = 100;

/** CPU time (user + system, ms) a process has used so far, read from /proc; null where /proc is absent. */
export function cpuMsOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; the fields after its closing parenthesis are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return ((utime + stime) * 1000) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** Resident set size (bytes) of a process, from /proc/<pid>/status; null where /proc is absent. */
export function rssOf(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Summed CPU ms of several processes (a missing reading makes the sum null: no partial totals). */
export function cpuMsOfAll(pids: readonly number[]): number | null {
  let sum = 0;
  for (const pid of pids) {
    const v = cpuMsOf(pid);
    if (v === null) return null;
    sum += v;
  }
  return sum;
}
