// Byte helpers shared by the node:crypto adapters (private to node-crypto-provider.ts).

/** Copies any BufferSource-ish input into a fresh Uint8Array view (no shared backing store surprises). */
export function toBytes(input: ArrayBufferLike | ArrayBufferView): Uint8Array {
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  return new Uint8Array(input);
}

/** Returns an ArrayBuffer holding exactly `b` (the @hpke/core interfaces speak ArrayBuffer). */
export function toArrayBuffer(b: Uint8Array): ArrayBuffer {
  const out = new ArrayBuffer(b.byteLength);
  new Uint8Array(out).set(b);
  return out;
}

/** A Node Buffer returned by node:crypto, re-exposed as a plain Uint8Array over the same memory. */
export function fromBuffer(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

export function isAllZero(b: Uint8Array): boolean {
  // Constant-time in the length: OR every byte together.
  let acc = 0;
  for (const x of b) acc |= x;
  return acc === 0;
}
