import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ChatMessage } from '@sealroom/protocol';
import { useApi } from '../api/api-context.ts';
import { asRoomId } from '../lib/ids.ts';
import { sortedTimeline, upsertMessage, upsertMessages } from '../lib/timeline.ts';

/** How much history to load when a room is opened. */
export const HISTORY_LIMIT = 500;

type State = { roomId: string; map: ReadonlyMap<string, ChatMessage>; loading: boolean; error: unknown };

export function useMessages(roomId: string, session: number) {
  const api = useApi();
  const [state, setState] = useState<State>({ roomId, map: new Map(), loading: true, error: null });

  useEffect(() => {
    let cancelled = false;
    // Same room after a proxy reconnect: keep what we show and merge the reload into it.
    setState((s) => (s.roomId === roomId ? { ...s, loading: true, error: null } : { roomId, map: new Map(), loading: true, error: null }));
    const off = api.on('message', (m) => {
      if (m.roomId !== roomId) return;
      setState((s) => (s.roomId === roomId ? { ...s, map: upsertMessage(s.map, m) } : s));
    });
    // asRoomId throws on a malformed id: inside the chain, so it ends up as an inline error, not a crash.
    Promise.resolve()
      .then(() => api.call('messages.list', { roomId: asRoomId(roomId), limit: HISTORY_LIMIT }))
      .then(
      ({ messages }) => {
        if (cancelled) return;
        const mine = messages.filter((m) => m.roomId === roomId);
        setState((s) => (s.roomId === roomId ? { ...s, map: upsertMessages(s.map, mine), loading: false } : s));
      },
      (error: unknown) => {
        if (cancelled) return;
        setState((s) => (s.roomId === roomId ? { ...s, error, loading: false } : s));
      },
    );
    return () => {
      cancelled = true;
      off();
    };
  }, [api, roomId, session]);

  const upsert = useCallback(
    (m: ChatMessage) => setState((s) => (s.roomId === m.roomId ? { ...s, map: upsertMessage(s.map, m) } : s)),
    [],
  );
  const current = state.roomId === roomId;
  const messages = useMemo(() => (current ? sortedTimeline(state.map) : []), [current, state.map]);
  return { messages, loading: !current || state.loading, error: current ? state.error : null, upsert };
}
