import {
  RelayErrorCode,
  type AckErr,
  type RelayClientEventName,
  type RelayClientEvents,
} from '@sealroom/protocol';
import type { RelayContext, RelaySocket } from './relay-context.js';

export type RequestOf<E extends RelayClientEventName> = Parameters<RelayClientEvents[E]>[0];
/** The exact ack type of an event, so the contract in @sealroom/protocol type-checks every handler. */
export type AckOf<E extends RelayClientEventName> = Parameters<Parameters<RelayClientEvents[E]>[1]>[0];

/** The slice of a zod schema the relay uses; keeps zod itself out of this package's dependencies. */
export type Parser<T> = {
  safeParse(input: unknown):
    | { success: true; data: T }
    | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };
};

export type Handler<E extends RelayClientEventName> = (
  req: RequestOf<E>,
  socket: RelaySocket,
) => Promise<AckOf<E>> | AckOf<E>;

export type HandlerSpec<E extends RelayClientEventName> = {
  event: E;
  schema: Parser<RequestOf<E>>;
  /** hello and auth are the only events allowed before authentication. */
  public?: boolean;
  handle: Handler<E>;
};

export function fail(code: RelayErrorCode, message?: string): AckErr {
  return message === undefined ? { ok: false, code } : { ok: false, code, message };
}

const MESSAGE_CHARS = 120;

function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  const first = issues[0];
  if (first === undefined) return 'invalid request';
  const path = first.path.map((p) => String(p)).join('.');
  return (path === '' ? first.message : `${path}: ${first.message}`).slice(0, MESSAGE_CHARS);
}

/**
 * Registers one event on a socket with the checks every handler needs, in order: an ack callback must be
 * present (otherwise the event is dropped: there is nobody to answer), authentication, exactly one payload
 * parsed by the protocol schema, then the handler inside a try/catch. Nothing a client sends can throw out
 * of here; an unexpected failure is answered with ERR_RELAY_INTERNAL and logged by code only.
 */
export function register<E extends RelayClientEventName>(
  ctx: RelayContext,
  socket: RelaySocket,
  spec: HandlerSpec<E>,
): void {
  const run = async (args: unknown[]): Promise<AckOf<E> | AckErr> => {
    if (spec.public !== true && socket.data.handle === null) return fail(RelayErrorCode.Unauthenticated);
    if (args.length !== 2) return fail(RelayErrorCode.BadRequest, 'expected one payload object and an ack');
    const parsed = spec.schema.safeParse(args[0]);
    if (!parsed.success) return fail(RelayErrorCode.BadRequest, describeIssues(parsed.error.issues));
    return spec.handle(parsed.data, socket);
  };
  const listener = (...args: unknown[]): void => {
    const ack = args[args.length - 1];
    if (typeof ack !== 'function') return;
    const started = performance.now();
    // Every path ends in the last callback, which cannot throw: no handler error becomes an unhandled
    // rejection (Node would exit on it), and process-wide handlers are not needed to keep the relay up.
    // The class of a thrown error is logged, never its message: a store error may quote what it stored.
    let thrown: string | null = null;
    void run(args)
      .catch((e: unknown): AckErr => {
        thrown = e instanceof Error ? e.name : typeof e;
        return fail(RelayErrorCode.Internal);
      })
      .then((res) => {
        try {
          (ack as (res: AckOf<E> | AckErr) => void)(res);
        } catch {
          // The connection is gone: nothing left to answer.
        }
        const ms = Number((performance.now() - started).toFixed(1));
        const base = { event: spec.event, socket: socket.id, handle: socket.data.handle, ms };
        if (res.ok) ctx.log.info({ ...base, outcome: 'ok' }, 'event');
        else if (res.code === RelayErrorCode.Internal) ctx.log.error({ ...base, outcome: 'failed', errorCode: res.code, thrown }, 'event failed');
        else ctx.log.warn({ ...base, outcome: 'refused', errorCode: res.code }, 'event refused');
      });
  };
  // The typed `on` would give the listener the contract's argument types; at runtime they are untrusted.
  (socket as unknown as { on(event: string, fn: (...args: unknown[]) => void): void }).on(spec.event, listener);
}
