import type { Handle } from '@sealroom/protocol';
import type { RelaySocket } from './relay-context.js';

/** The authenticated handle of a socket. `register` checks authentication first, so null is a bug here. */
export function callerOf(socket: RelaySocket): Handle {
  const handle = socket.data.handle;
  if (handle === null) throw new Error('callerOf: socket is not authenticated');
  return handle;
}
