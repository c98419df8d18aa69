import type { ErrorCode } from './error-codes.js';

/** Base class of every error Sealroom throws on purpose; `code` is stable and documented in docs/errors.md. */
export class SealroomError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message?: string, options?: { cause?: unknown }) {
    super(message ?? code, options);
    this.name = 'SealroomError';
    this.code = code;
  }
}

/** Narrow an unknown thrown value to a SealroomError with one of the given codes. */
export function isSealroomError(e: unknown, code?: ErrorCode): e is SealroomError {
  return e instanceof SealroomError && (code === undefined || e.code === code);
}

/** For exhaustive switches: the compiler proves this is unreachable. */
export function missingCaseError(x: never): Error {
  return new Error(`unhandled case: ${String(x)}`);
}
