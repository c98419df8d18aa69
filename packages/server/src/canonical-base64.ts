/**
 * The protocol schemas check the base64 alphabet and padding; this also rejects non-zero trailing bits, so
 * each byte string has exactly one accepted encoding and every stored blob round-trips to the same text.
 */
export function isCanonicalBase64(s: string): boolean {
  return Buffer.from(s, 'base64').toString('base64') === s;
}

export function allCanonicalBase64(values: readonly (string | undefined)[]): boolean {
  return values.every((v) => v === undefined || isCanonicalBase64(v));
}
