import { RelayErrorCode, type AckErr, type Handle } from '@sealroom/protocol';
import { fail } from './handler.js';
import type { RelayContext } from './relay-context.js';

/**
 * Paces the big answers (room.fetch, welcome.list) of one account by bytes: waits while the account is in
 * debt, runs `read`, then charges what it produced. One account's readers then share `answerBytesPerSecond`
 * and cannot keep the relay's event loop busy encoding for everyone else. A wait longer than
 * `maxAnswerWaitMs` (many requests queued at once) is refused instead of queued.
 */
export async function paced<T>(
  ctx: RelayContext,
  handle: Handle,
  read: () => Promise<T>,
  bytesOf: (answer: T) => number,
): Promise<T | AckErr> {
  const bucket = ctx.admission.answerBytes.bucket(handle);
  const wait = bucket.debtMs();
  if (wait > ctx.limits.maxAnswerWaitMs) return fail(RelayErrorCode.RateLimited, 'reading too fast; try again shortly');
  // Charge the expected page up front so concurrent requests queue behind each other, then correct it.
  const expected = ctx.limits.answerBytes;
  bucket.charge(expected);
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  const answer = await read();
  bucket.charge(bytesOf(answer) - expected);
  return answer;
}
