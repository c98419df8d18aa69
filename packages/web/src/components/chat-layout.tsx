import { useCallback, useEffect, useState } from 'react';
import type { RoomSummary, WhoAmI } from '@sealroom/protocol';
import { useApi } from '../api/api-context.ts';
import { useRooms } from '../hooks/use-rooms.ts';
import { Header } from './header.tsx';
import { MemberPanel } from './member-panel.tsx';
import { RoomList } from './room-list.tsx';
import { RoomView } from './room-view.tsx';

type Props = { me: WhoAmI; session: number; proxyConnected: boolean };

export function ChatLayout({ me, session, proxyConnected }: Props) {
  const api = useApi();
  const { rooms, loading, error, upsert } = useRooms(session);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [unread, setUnread] = useState<ReadonlySet<string>>(new Set());
  const [membersOpen, setMembersOpen] = useState(false);

  // Mark rooms with new incoming messages while another room is open.
  useEffect(
    () =>
      api.on('message', (m) => {
        if (m.own || m.roomId === selectedId) return;
        setUnread((u) => (u.has(m.roomId) ? u : new Set(u).add(m.roomId)));
      }),
    [api, selectedId],
  );

  const select = useCallback((roomId: string) => {
    setSelectedId(roomId);
    setUnread((u) => {
      if (!u.has(roomId)) return u;
      const next = new Set(u);
      next.delete(roomId);
      return next;
    });
  }, []);

  const onRoomAdded = useCallback(
    (room: RoomSummary) => {
      upsert(room);
      select(room.roomId);
    },
    [upsert, select],
  );

  const selected = rooms.find((r) => r.roomId === selectedId) ?? null;

  return (
    <div className="app">
      <Header me={me} proxyConnected={proxyConnected} />
      {!proxyConnected ? (
        <div className="banner" role="status" data-testid="proxy-lost">
          Lost the connection to the local proxy. Reconnecting…
        </div>
      ) : null}
      <div className="columns">
        <RoomList
          rooms={rooms}
          loading={loading}
          error={error}
          selectedId={selectedId}
          unread={unread}
          onSelect={select}
          onRoomAdded={onRoomAdded}
        />
        <main className="main">
          {selected !== null ? (
            <RoomView
              room={selected}
              session={session}
              membersOpen={membersOpen}
              onToggleMembers={() => setMembersOpen((o) => !o)}
            />
          ) : (
            <div className="placeholder">
              <p>Select a room on the left, create a new one, or join an open room by its id.</p>
              <p className="muted">Everything you write is end-to-end encrypted by your local proxy before it leaves this computer.</p>
            </div>
          )}
        </main>
        {selected !== null ? <MemberPanel key={selected.roomId} room={selected} session={session} open={membersOpen} /> : null}
      </div>
    </div>
  );
}
