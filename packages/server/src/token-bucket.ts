/** A token bucket: `rate` tokens per second, at most `burst` saved up. Time is injectable for tests. */
export class TokenBucket {
  #tokens: number;
  #last: number;

  constructor(
    readonly rate: number,
    readonly burst: number,
    readonly now: () => number = () => performance.now(),
  ) {
    this.#tokens = burst;
    this.#last = now();
  }

  /** Takes one token if there is one. A refused request costs nothing, so a flood cannot dig a deep hole. */
  take(): boolean {
    this.#refill();
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** Spends `n` tokens after the fact (a cost known only once the work is done); the balance may go negative. */
  charge(n: number): void {
    this.#refill();
    this.#tokens -= n;
  }

  /** Milliseconds until the balance is back to zero (0 if it is not negative). */
  debtMs(): number {
    this.#refill();
    return this.#tokens >= 0 ? 0 : (-this.#tokens / this.rate) * 1000;
  }

  #refill(): void {
    const t = this.now();
    this.#tokens = Math.min(this.burst, this.#tokens + ((t - this.#last) / 1000) * this.rate);
    this.#last = t;
  }

  /** True once the bucket has refilled completely: it is then the same as a new one. */
  full(): boolean {
    return this.#tokens + ((this.now() - this.#last) / 1000) * this.rate >= this.burst;
  }
}
