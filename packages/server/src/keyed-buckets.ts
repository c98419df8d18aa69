import { TokenBucket } from './token-bucket.js';

/**
 * One token bucket per key (an address, a handle), created full on first use. The map is bounded: past
 * `maxKeys`, buckets that have refilled (indistinguishable from new ones) are dropped, then the oldest, so
 * a flood of distinct keys costs memory once, not forever.
 */
export class KeyedBuckets {
  readonly #buckets = new Map<string, TokenBucket>();

  constructor(
    readonly rate: number,
    readonly burst: number,
    readonly maxKeys = 100_000,
    readonly now: () => number = () => performance.now(),
  ) {}

  /** Takes one token from the key's bucket if there is one. */
  take(key: string): boolean {
    return this.bucket(key).take();
  }

  /** The key's bucket (created full). */
  bucket(key: string): TokenBucket {
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      if (this.#buckets.size >= this.maxKeys) this.#prune();
      bucket = new TokenBucket(this.rate, this.burst, this.now);
      this.#buckets.set(key, bucket);
    }
    return bucket;
  }

  get size(): number {
    return this.#buckets.size;
  }

  #prune(): void {
    for (const [key, bucket] of this.#buckets) if (bucket.full()) this.#buckets.delete(key);
    // Still full of live buckets: forget the oldest half (they get a fresh bucket next time; bounded either way).
    if (this.#buckets.size >= this.maxKeys) {
      let drop = Math.ceil(this.#buckets.size / 2);
      for (const key of this.#buckets.keys()) {
        if (drop-- <= 0) break;
        this.#buckets.delete(key);
      }
    }
  }
}
