import { ClientErrorCode, SealroomError } from '@sealroom/protocol';
import type { Ack, ErrorCode, LocalClientEvents, LocalServerEvents } from '@sealroom/protocol';
import type { Socket } from 'socket.io-client';

export type LocalSocket = Socket<LocalServerEvents, LocalClientEvents>;
export type LocalEvent = keyof LocalClientEvents;
/** The payload object of a local API event. */
export type LocalPayload<E extends LocalEvent> = Parameters<LocalClientEvents[E]>[0];
/** The success fields of a local API event's ack (without `ok`). */
export type LocalResult<E extends LocalEvent> =
  Parameters<LocalClientEvents[E]>[1] extends (res: Ack<infer T>) => void ? T : never;

export type LocalApiClient = {
  /** Emit one event and resolve with the ack's data; reject with a SealroomError carrying the ack's `code`. */
  call<E extends LocalEvent>(event: E, payload: LocalPayload<E>): Promise<LocalResult<E>>;
  /** Subscribe to a push event; returns the unsubscribe function. */
  on<E extends keyof LocalServerEvents>(event: E, handler: LocalServerEvents[E]): () => void;
};

/** Default ack timeout: onboarding and commits go through the relay and can take a while. */
export const CALL_TIMEOUT_MS = 30_000;

type LooseEmitter = {
  connected: boolean;
  timeout(ms: number): { emit(event: string, payload: unknown, cb: (err: Error | null, res: unknown) => void): void };
};

export function createLocalApiClient(socket: LocalSocket, timeoutMs = CALL_TIMEOUT_MS): LocalApiClient {
  const loose = socket as unknown as LooseEmitter;
  return {
    call(event, payload) {
      return new Promise((resolve, reject) => {
        if (!loose.connected) {
          reject(new SealroomError(ClientErrorCode.Disconnected, 'not connected to the local proxy'));
          return;
        }
        loose.timeout(timeoutMs).emit(event, payload, (err, res) => {
          if (err) {
            reject(new SealroomError(ClientErrorCode.Timeout, `no answer from the local proxy (${event})`));
            return;
          }
          const outcome = readAck(res);
          if (outcome.ok) resolve(outcome.data as never);
          else reject(new SealroomError(outcome.code, outcome.message));
        });
      });
    },
    on(event, handler) {
      // socket.io's typed `on` does not accept a handler typed by a generic key; the shape is the same.
      const s = socket as unknown as { on(e: string, h: unknown): void; off(e: string, h: unknown): void };
      s.on(event, handler);
      return () => s.off(event, handler);
    },
  };
}

type AckOutcome = { ok: true; data: object } | { ok: false; code: ErrorCode; message: string };

/** Validate the outer ack shape; anything else is a bad payload rather than a crash later on. */
export function readAck(res: unknown): AckOutcome {
  if (typeof res !== 'object' || res === null || !('ok' in res)) {
    return { ok: false, code: ClientErrorCode.BadPayload, message: 'malformed answer from the local proxy' };
  }
  const r = res as { ok: unknown; code?: unknown; message?: unknown };
  if (r.ok === true) {
    const { ok: _ok, ...data } = r;
    return { ok: true, data };
  }
  const code = typeof r.code === 'string' && r.code !== '' ? (r.code as ErrorCode) : ClientErrorCode.BadPayload;
  const message = typeof r.message === 'string' && r.message !== '' ? r.message : code;
  return { ok: false, code, message };
}

/** The stable code of any error, for inline display. */
export function errorCode(e: unknown): string {
  if (e instanceof SealroomError) return e.code;
  if (typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string') return e.code;
  return ClientErrorCode.Internal;
}

export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
