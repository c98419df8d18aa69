import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { RpcEvent, RpcReply } from './worker-rpc.js';

/** A worker process running a TypeScript file through tsx (as packages/cli/bin/sealroom.js does), driven by RPC. */
export class ChildWorker {
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  readonly #listeners = new Set<(e: RpcEvent) => void>();
  #next = 1;
  #exited = false;

  private constructor(child: ChildProcess, readonly name: string) {
    this.#child = child;
    child.on('message', (raw: unknown) => {
      const m = raw as RpcReply | RpcEvent;
      if ('event' in m) {
        for (const l of this.#listeners) l(m);
        return;
      }
      const p = this.#pending.get(m.id);
      if (!p) return;
      this.#pending.delete(m.id);
      if (m.ok) p.resolve(m.result);
      else p.reject(new Error(`${name}: ${m.error}`));
    });
    child.on('exit', (code, signal) => {
      this.#exited = true;
      for (const p of this.#pending.values()) p.reject(new Error(`${name} exited (${code ?? signal})`));
      this.#pending.clear();
    });
  }

  /** Start `file` (relative to bench/) and wait until it serves requests. */
  static async start(file: string, name: string, timeoutMs = 60_000): Promise<ChildWorker> {
    const path = fileURLToPath(new URL(file, import.meta.url));
    // SEALROOM_BENCH_CPU_PROF=DIR: every worker writes a V8 CPU profile there on exit (node --cpu-prof).
    const profDir = process.env['SEALROOM_BENCH_CPU_PROF'];
    const prof = profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}/${name}-${Date.now()}`] : [];
    const child = fork(path, [], { execArgv: ['--import', 'tsx', ...prof], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const w = new ChildWorker(child, name);
    await w.waitEvent('up', () => true, timeoutMs);
    return w;
  }

  get pid(): number {
    return this.#child.pid ?? -1;
  }

  call<T = unknown>(cmd: string, args: Record<string, unknown> = {}): Promise<T> {
    if (this.#exited) return Promise.reject(new Error(`${this.name} has exited`));
    const id = this.#next++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.#child.send({ id, cmd, args });
    });
  }

  /** Resolve on the first event named `event` that `match` accepts; reject after `timeoutMs`. */
  waitEvent(event: string, match: (data: unknown) => boolean, timeoutMs: number): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        this.#listeners.delete(l);
        reject(new Error(`${this.name}: no ${event} within ${timeoutMs} ms`));
      }, timeoutMs);
      const l = (e: RpcEvent): void => {
        if (e.event !== event || !match(e.data)) return;
        clearTimeout(t);
        this.#listeners.delete(l);
        resolve(e.data);
      };
      this.#listeners.add(l);
    });
  }

  onEvent(l: (e: RpcEvent) => void): () => void {
    this.#listeners.add(l);
    return () => this.#listeners.delete(l);
  }

  /** Ask the worker to exit (closing the IPC channel ends it); kill it if it has not within 5 s. */
  async stop(): Promise<void> {
    if (this.#exited) return;
    const exited = new Promise<void>((r) => this.#child.once('exit', () => r()));
    this.#child.disconnect();
    const t = setTimeout(() => this.#child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(t);
  }
}
