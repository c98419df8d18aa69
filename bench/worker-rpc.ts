/**
 * The worker side of the harness's IPC: each request `{ id, cmd, args }` from the parent is answered with
 * `{ id, ok, result | error }`; unsolicited `{ event, data }` messages report progress (e.g. "all received").
 */
export type Handler = (args: Record<string, unknown>) => Promise<unknown>;

export type RpcRequest = { id: number; cmd: string; args: Record<string, unknown> };
export type RpcReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };
export type RpcEvent = { event: string; data: unknown };

export function emitEvent(event: string, data: unknown): void {
  process.send?.({ event, data } satisfies RpcEvent);
}

/** Serve `handlers` over the IPC channel until the parent disconnects (then exit: no orphan workers). */
export function serve(handlers: Record<string, Handler>): void {
  if (!process.send) throw new Error('bench workers run as child processes with an IPC channel');
  process.on('message', (raw: unknown) => {
    const req = raw as RpcRequest;
    const handler = handlers[req.cmd];
    const reply = (r: RpcReply): void => void process.send?.(r);
    if (!handler) {
      reply({ id: req.id, ok: false, error: `unknown command ${req.cmd}` });
      return;
    }
    handler(req.args).then(
      (result) => reply({ id: req.id, ok: true, result: result ?? null }),
      (e: unknown) => reply({ id: req.id, ok: false, error: e instanceof Error ? `${e.message}` : String(e) }),
    );
  });
  process.on('disconnect', () => process.exit(0));
  emitEvent('up', process.pid);
}
