import { wallMs } from '../stats.js';
import { emitEvent } from '../worker-rpc.js';
import { parseBenchText } from './bench-text.js';

/**
 * Per receiving user, the bench messages of one run it has received (each counted once) and their
 * latencies; tells the parent (`done` event) when a user has all `expect` of them.
 */
export class ReceiveCounter {
  #run = '';
  #expect = 0;
  readonly #seen = new Map<string, Set<number>>();
  readonly #latencies: number[] = [];
  #doneUsers = 0;
  #lastAt = 0;

  arm(run: string, users: readonly string[], expect: number): void {
    this.#run = run;
    this.#expect = expect;
    this.#seen.clear();
    for (const u of users) this.#seen.set(u, new Set());
    this.#latencies.length = 0;
    this.#doneUsers = 0;
    this.#lastAt = 0;
  }

  /** A decrypted (and, for Sealroom, stored) message `text` reached `user`. */
  received(user: string, text: string): void {
    const now = wallMs();
    const p = parseBenchText(text);
    const seen = this.#seen.get(user);
    if (!p || p.run !== this.#run || !seen || seen.has(p.seq)) return;
    seen.add(p.seq);
    this.#latencies.push(now - p.sentAt);
    this.#lastAt = now;
    if (seen.size === this.#expect) {
      this.#doneUsers++;
      if (this.#doneUsers === this.#seen.size) emitEvent('done', { run: this.#run, at: now });
    }
  }

  stats(): { received: number; latencies: number[]; lastAt: number } {
    let received = 0;
    for (const s of this.#seen.values()) received += s.size;
    return { received, latencies: [...this.#latencies], lastAt: this.#lastAt };
  }
}
