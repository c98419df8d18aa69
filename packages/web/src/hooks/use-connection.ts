import { useEffect, useMemo, useState } from 'react';
import { io } from 'socket.io-client';
import { createLocalApiClient } from '../api/local-api-client.ts';
import { browserPageKeys } from '../lib/login.ts';
import type { LocalApiClient, LocalSocket } from '../api/local-api-client.ts';

/**
 * The link to the local proxy (not the relay: that is `whoami.connected` / `status`).
 * - connecting / unreachable: never connected yet (unreachable = transport failing, socket.io retries)
 * - connected: `session` counts (re)connections so that data is reloaded after a proxy restart
 * - lost: was connected, socket.io is reconnecting
 * - closed: the proxy disconnected us on purpose
 * - unauthorised: the proxy refused the handshake (no or a bad session cookie, bad origin)
 */
export type ConnectionState =
  | { kind: 'connecting' }
  | { kind: 'unreachable' }
  | { kind: 'connected'; session: number }
  | { kind: 'lost'; session: number }
  | { kind: 'closed'; session: number }
  | { kind: 'unauthorised'; reason: string };

export type Connection = { state: ConnectionState; client: LocalApiClient | null; reconnect: () => void };

/**
 * The browser authenticates by the proxy's HttpOnly session cookie, which the WebSocket handshake carries
 * by itself, plus the session's page key from localStorage (read again at every reconnection). Both
 * survive a proxy restart, so after one socket.io's reconnection simply succeeds.
 */
export function useConnection(): Connection {
  const [socket, setSocket] = useState<LocalSocket | null>(null);
  const [state, setState] = useState<ConnectionState>({ kind: 'connecting' });

  useEffect(() => {
    const s: LocalSocket = io({
      transports: ['websocket'],
      reconnectionDelayMax: 3000,
      auth: (cb) => {
        const session = browserPageKeys.get();
        cb(session === null ? {} : { session });
      },
    });
    let session = 0;
    s.on('connect', () => {
      session += 1;
      setState({ kind: 'connected', session });
    });
    s.on('connect_error', (err) => {
      // A refusal by the server's middleware stops socket.io from retrying; a transport failure does not.
      if (!s.active) setState({ kind: 'unauthorised', reason: err.message });
      else setState((prev) => (prev.kind === 'connecting' || prev.kind === 'unreachable' ? { kind: 'unreachable' } : prev));
    });
    s.on('disconnect', (reason) => {
      if (reason === 'io client disconnect') return;
      setState(reason === 'io server disconnect' ? { kind: 'closed', session } : { kind: 'lost', session });
    });
    setSocket(s);
    return () => {
      s.removeAllListeners();
      s.disconnect();
      setSocket(null);
    };
  }, []);

  const client = useMemo(() => (socket === null ? null : createLocalApiClient(socket)), [socket]);
  const reconnect = useMemo(() => () => socket?.connect(), [socket]);
  return { state, client, reconnect };
}
