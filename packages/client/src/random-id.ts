import { randomBytes } from 'node:crypto';

/** 128-bit random id, lowercase hex (room ids and message ids). */
export function randomId(): string {
  return randomBytes(16).toString('hex');
}
