import { useCallback, useEffect, useState } from 'react';
import type { Member, RoomSummary } from '@sealroom/protocol';
import { useApi } from '../api/api-context.ts';
import { asRoomId } from '../lib/ids.ts';

/** Members of one room, reloaded whenever the proxy pushes a change to that room. */
export function useMembers(room: RoomSummary, session: number) {
  const api = useApi();
  const { roomId, status } = room;
  const [members, setMembers] = useState<{ roomId: string; list: Member[] }>({ roomId, list: [] });
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);

  useEffect(() => api.on('room', (r) => r.roomId === roomId && setTick((n) => n + 1)), [api, roomId]);

  // A held room still lists its members: that is where the user sees whose key changed.
  const member = status === 'active' || status === 'held' || status === 'out-of-sync';
  useEffect(() => {
    if (!member) {
      setMembers({ roomId, list: [] });
      setError(null);
      return;
    }
    let cancelled = false;
    Promise.resolve()
      .then(() => api.call('members.list', { roomId: asRoomId(roomId) }))
      .then(
      ({ members: list }) => {
        if (cancelled) return;
        setMembers({ roomId, list });
        setError(null);
      },
      (e: unknown) => !cancelled && setError(e),
    );
    return () => {
      cancelled = true;
    };
  }, [api, roomId, member, session, tick]);

  const refresh = useCallback(() => setTick((n) => n + 1), []);
  return { members: members.roomId === roomId ? members.list : [], error, refresh };
}
