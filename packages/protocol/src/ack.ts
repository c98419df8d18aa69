import type { ErrorCode } from './error-codes.js';

/** Every ack is a result: success with data, or a stable code and a short human message (never a stack). */
export type AckOk<T> = { ok: true } & T;
export type AckErr = { ok: false; code: ErrorCode; message?: string };
export type Ack<T = object> = AckOk<T> | AckErr;
export type AckFn<T = object> = (res: Ack<T>) => void;
