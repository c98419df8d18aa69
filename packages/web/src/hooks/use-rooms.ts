import { useCallback, useEffect, useState } from 'react';
import type { RoomSummary } from '@sealroom/protocol';
import { useApi } from '../api/api-context.ts';

/** Replace a room in place (keeping list order) or append it. */
export function upsertRoom(rooms: readonly RoomSummary[], room: RoomSummary): RoomSummary[] {
  const i = rooms.findIndex((r) => r.roomId === room.roomId);
  if (i === -1) return [...rooms, room];
  const next = rooms.slice();
  next[i] = room;
  return next;
}

export function useRooms(session: number) {
  const api = useApi();
  const [rooms, setRooms] = useState<RoomSummary[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);

  useEffect(() => {
    let cancelled = false;
    setLoading(true);
    // Subscribe before listing so no push is lost; the listed snapshot then only adds rooms we lack.
    const off = api.on('room', (room) => setRooms((rs) => upsertRoom(rs, room)));
    api.call('rooms.list', {}).then(
      ({ rooms: listed }) => {
        if (cancelled) return;
        setRooms((current) => {
          let next: RoomSummary[] = listed.slice();
          for (const r of current) if (!listed.some((l) => l.roomId === r.roomId)) next = [...next, r];
          return next;
        });
        setError(null);
        setLoading(false);
      },
      (e: unknown) => {
        if (cancelled) return;
        setError(e);
        setLoading(false);
      },
    );
    return () => {
      cancelled = true;
      off();
    };
  }, [api, session]);

  const upsert = useCallback((room: RoomSummary) => setRooms((rs) => upsertRoom(rs, room)), []);
  return { rooms, error, loading, upsert };
}
