/**
 * The authentication service's memory: which identity key we have seen for each handle (RFC 9420 §5.3.1:
 * the application must authenticate every credential). Implemented by the client's storage.
 */
export type PinResult = 'pinned' | 'match' | 'mismatch';

export interface KeyDirectory {
  /**
   * Check `publicKey` against the key pinned for `handle`; pin it on first sight (trust on first use).
   * Must be atomic per handle.
   */
  checkAndPin(handle: string, publicKey: Uint8Array): Promise<PinResult>;
}

/** A key directory in memory, for tests, bots and benchmarks. */
export class MemoryKeyDirectory implements KeyDirectory {
  readonly #pins = new Map<string, string>();
  async checkAndPin(handle: string, publicKey: Uint8Array): Promise<PinResult> {
    const hex = Buffer.from(publicKey).toString('hex');
    const pinned = this.#pins.get(handle);
    if (pinned === undefined) {
      this.#pins.set(handle, hex);
      return 'pinned';
    }
    return pinned === hex ? 'match' : 'mismatch';
  }
}
