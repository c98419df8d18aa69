import type { RelaySocket } from './relay-context.js';

/**
 * Engine.io and ws internals the relay reads (socket.io exposes neither backpressure nor a per-connection
 * frame bound). Each accessor tolerates their absence: the guards then fall back to what engine.io exposes.
 */
type WsLike = { bufferedAmount?: number; terminate?: () => void; _receiver?: { _maxPayload?: unknown } };
type EnginePacket = { type: string; data?: unknown };
type EngineLike = {
  transport?: { socket?: WsLike };
  writeBuffer?: EnginePacket[];
  on(event: 'packetCreate' | 'packet', fn: (p: EnginePacket) => void): void;
  close(discard?: boolean): void;
};

const engineOf = (socket: RelaySocket): EngineLike => socket.conn as unknown as EngineLike;
const wsOf = (socket: RelaySocket): WsLike | undefined => engineOf(socket).transport?.socket;

const sizeOf = (data: unknown): number =>
  typeof data === 'string' ? data.length : data instanceof ArrayBuffer || ArrayBuffer.isView(data) ? data.byteLength : 0;

/**
 * Bytes queued for this connection and not yet handed to the kernel: engine.io's write buffer (packets
 * waiting while the transport is busy) plus ws's (`bufferedAmount`: written to the TCP socket, not flushed).
 */
export function bufferedBytes(socket: RelaySocket): number {
  const engine = engineOf(socket);
  let n = wsOf(socket)?.bufferedAmount ?? 0;
  for (const p of engine.writeBuffer ?? []) n += sizeOf(p.data);
  return n;
}

/** Drops the connection at once, discarding what is queued (a graceful close would wait for the buffer to drain). */
export function terminate(socket: RelaySocket): void {
  const ws = wsOf(socket);
  if (typeof ws?.terminate === 'function') ws.terminate();
  else engineOf(socket).close(true);
}

/**
 * socket.io has no backpressure: every emit is queued however slowly the peer reads. Each outgoing packet
 * (ack, pushed entry, Welcome) checks the queue; past `limit` the connection is terminated and `onOverflow`
 * told, so a client that never reads costs at most `limit` plus one packet.
 */
export function guardSendBuffer(socket: RelaySocket, limit: number, onOverflow: (bytes: number) => void): void {
  let tripped = false;
  engineOf(socket).on('packetCreate', (packet) => {
    if (tripped) return;
    const bytes = bufferedBytes(socket) + sizeOf(packet.data);
    if (bytes <= limit) return;
    tripped = true;
    onOverflow(bytes);
    terminate(socket);
  });
}

/**
 * The frame bound of one connection. engine.io's `maxHttpBufferSize` is one value for every connection (it
 * becomes ws's `maxPayload`); ws checks each frame's declared length against its receiver's `_maxPayload`
 * as soon as the frame header arrives, before buffering the payload, and closes with 1009. Lowering it per
 * connection before login makes a 5 MiB pre-login frame cost a header, not 5 MiB. Returns false when the
 * ws internals are not there; `guardFrames` is the (later, but still bounded) fallback.
 */
export function setFrameLimit(socket: RelaySocket, bytes: number): boolean {
  const receiver = wsOf(socket)?._receiver;
  if (receiver === undefined || typeof receiver._maxPayload !== 'number') return false;
  receiver._maxPayload = bytes;
  return true;
}

/**
 * Fallback and second check: every received engine.io message larger than `limit()` terminates the
 * connection. It runs once the frame has been read, so socket.io still parses that one frame; nothing
 * after it arrives.
 */
export function guardFrames(socket: RelaySocket, limit: () => number, onOversize: (bytes: number) => void): void {
  engineOf(socket).on('packet', (packet) => {
    if (packet.type !== 'message') return;
    const bytes = sizeOf(packet.data);
    if (bytes <= limit()) return;
    onOversize(bytes);
    terminate(socket);
  });
}
