import { useCallback, useEffect, useMemo, useState } from 'react';
import type { RoomSummary, WhoAmI } from '@sealroom/protocol';
import { useApi } from '../api/api-context.ts';
import { TrustContext } from '../hooks/trust-context.ts';
import type { Trust } from '../hooks/trust-context.ts';
import { useContacts } from '../hooks/use-contacts.ts';
import { useInvites } from '../hooks/use-invites.ts';
import { useRooms } from '../hooks/use-rooms.ts';
import { useSecurityEvents } from '../hooks/use-security-events.ts';
import { activeEvents, dismissKey, globalEvents as globalScope, warningCountsByRoom } from '../lib/security-events.ts';
import { EventsView } from './events-view.tsx';
import { Header } from './header.tsx';
import { MemberPanel } from './member-panel.tsx';
import { RoomList } from './room-list.tsx';
import { RoomView } from './room-view.tsx';
import { SecurityBanner } from './security-banner.tsx';
import { VerificationView } from './verification-view.tsx';

type Props = { me: WhoAmI; session: number; proxyConnected: boolean };

/** What the main column shows: the selected room, one contact's safety number, or every security event. */
type MainView = { kind: 'room' } | { kind: 'verify'; handle: string } | { kind: 'events' };

export function ChatLayout({ me, session, proxyConnected }: Props) {
  const api = useApi();
  const { rooms, loading, error, upsert } = useRooms(session);
  const invites = useInvites(session);
  const { contacts, note } = useContacts(session);
  const security = useSecurityEvents(session);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [unread, setUnread] = useState<ReadonlySet<string>>(new Set());
  const [membersOpen, setMembersOpen] = useState(false);
  const [view, setView] = useState<MainView>({ kind: 'room' });

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
    setView({ kind: 'room' });
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

  const openVerify = useCallback((handle: string) => {
    setView({ kind: 'verify', handle });
    setMembersOpen(false);
  }, []);
  const showEvents = useCallback(() => setView({ kind: 'events' }), []);
  const backToRoom = useCallback(() => setView({ kind: 'room' }), []);
  const trust = useMemo<Trust>(() => ({ contacts, openVerify, noteContact: note }), [contacts, openVerify, note]);

  const selected = rooms.find((r) => r.roomId === selectedId) ?? null;
  // Until the rooms are listed, every room is "known": their events must not flash up as global notices.
  const known = useMemo(() => new Set(rooms.map((r) => r.roomId)), [rooms]);
  const globalEvents = loading
    ? activeEvents(security.events, security.dismissed, { roomId: null })
    : globalScope(security.events, security.dismissed, known);
  const roomEvents = selected === null ? [] : activeEvents(security.events, security.dismissed, { roomId: selected.roomId });
  const roomWarnings = useMemo(() => warningCountsByRoom(security.events, security.dismissed), [security.events, security.dismissed]);
  const undismissed = security.events.filter((e) => !security.dismissed.has(dismissKey(e))).length;

  let main;
  if (view.kind === 'verify') {
    main = <VerificationView key={view.handle} handle={view.handle} contact={contacts.get(view.handle)} session={session} onClose={backToRoom} />;
  } else if (view.kind === 'events') {
    main = (
      <EventsView
        events={security.events}
        dismissed={security.dismissed}
        rooms={rooms}
        error={security.error}
        onDismiss={security.dismiss}
        onVerify={openVerify}
        onClose={backToRoom}
      />
    );
  } else if (selected !== null) {
    main = (
      <RoomView
        room={selected}
        session={session}
        membersOpen={membersOpen}
        onToggleMembers={() => setMembersOpen((o) => !o)}
        events={roomEvents}
        onDismiss={security.dismiss}
        onVerify={openVerify}
        onShowEvents={showEvents}
      />
    );
  } else {
    main = (
      <div className="placeholder">
        <p>Select a room on the left, create a new one, or join an open room by its id.</p>
        <p className="muted">Everything you write is end-to-end encrypted by your local proxy before it leaves this computer.</p>
      </div>
    );
  }

  return (
    <TrustContext value={trust}>
      <div className="app">
        <Header me={me} proxyConnected={proxyConnected} undismissedEvents={undismissed} onShowEvents={showEvents} />
        {!proxyConnected ? (
          <div className="banner" role="status" data-testid="proxy-lost">
            Lost the connection to the local proxy. Reconnecting…
          </div>
        ) : null}
        <SecurityBanner
          events={globalEvents}
          onDismiss={security.dismiss}
          onVerify={openVerify}
          onShowAll={showEvents}
          testId="global-security-notices"
          label="Security notices"
        />
        <div className="columns">
          <RoomList
            rooms={rooms}
            loading={loading}
            error={error}
            selectedId={view.kind === 'room' ? selectedId : null}
            unread={unread}
            warnings={roomWarnings}
            onSelect={select}
            onRoomAdded={onRoomAdded}
            invites={invites.invites}
            invitesError={invites.error}
            onInviteGone={invites.remove}
          />
          <main className="main">{main}</main>
          {selected !== null ? <MemberPanel key={selected.roomId} room={selected} session={session} open={membersOpen} /> : null}
        </div>
      </div>
    </TrustContext>
  );
}
