import { ClientErrorCode, SealroomError } from '@sealroom/protocol';

let mint: (key: string) => Held;
let expire: (held: Held) => void;

/**
 * Proof that the caller holds the lock of one key (a room): only `KeyedMutex.run` makes one, and it is
 * valid only until that run ends. Code that touches a room's MLS state takes a `Held` instead of a room id,
 * so it cannot be called without the lock — an invariant by construction, not by a `*Locked` naming rule.
 */
export class Held {
  #live = true;
  private constructor(readonly key: string) {}

  static {
    mint = (key) => new Held(key);
    expire = (held) => {
      held.#live = false;
    };
  }

  /** Throws unless this is a live lock of `key`: a stale token kept past its run, or another room's. */
  assert(key: string = this.key): void {
    if (!this.#live || key !== this.key)
      throw new SealroomError(ClientErrorCode.Internal, `room ${key} touched without its lock${this.#live ? ` (holding ${this.key})` : ' (lock already released)'}`);
  }
}

/**
 * Serialises async work per key (one room at a time): MLS state is a chain, and two operations
 * interleaving on the same room would fork it.
 */
export class KeyedMutex {
  readonly #tails = new Map<string, Promise<void>>();

  async run<T>(key: string, fn: (held: Held) => Promise<T>): Promise<T> {
    const prev = this.#tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const next = new Promise<void>((r) => (release = r));
    const tail = prev.then(() => next);
    this.#tails.set(key, tail);
    await prev;
    const held = mint(key);
    try {
      return await fn(held);
    } finally {
      expire(held);
      release();
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }
}
