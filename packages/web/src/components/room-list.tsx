import type { Invitation, RoomSummary } from '@sealroom/protocol';
import { ErrorText } from './error-text.tsx';
import { InvitationList } from './invitation-list.tsx';
import { JoinRoomForm } from './join-room-form.tsx';
import { NewRoomForm } from './new-room-form.tsx';
import { RoomListItem } from './room-list-item.tsx';

type Props = {
  rooms: readonly RoomSummary[];
  loading: boolean;
  error: unknown;
  selectedId: string | null;
  unread: ReadonlySet<string>;
  onSelect: (roomId: string) => void;
  onRoomAdded: (room: RoomSummary) => void;
  /** Undismissed security warnings per room id. */
  warnings: ReadonlyMap<string, number>;
  invites: readonly Invitation[];
  invitesError: unknown;
  onInviteGone: (roomId: string) => void;
};

export function RoomList({ rooms, loading, error, selectedId, unread, onSelect, onRoomAdded, warnings, invites, invitesError, onInviteGone }: Props) {
  return (
    <nav className="sidebar" aria-label="Rooms">
      <InvitationList invites={invites} error={invitesError} onAccepted={onRoomAdded} onGone={onInviteGone} />
      <h2 className="section-title">Rooms</h2>
      <ErrorText error={error} />
      {rooms.length === 0 && !loading ? <p className="muted empty-note">No rooms yet.</p> : null}
      <ul className="room-list">
        {rooms.map((room) => (
          <RoomListItem
            key={room.roomId}
            room={room}
            selected={room.roomId === selectedId}
            unread={unread.has(room.roomId)}
            warnings={warnings.get(room.roomId) ?? 0}
            onSelect={onSelect}
          />
        ))}
      </ul>
      <section className="sidebar__section" aria-label="New room">
        <h3 className="section-title">New room</h3>
        <NewRoomForm onCreated={onRoomAdded} />
      </section>
      <section className="sidebar__section" aria-label="Join open room">
        <h3 className="section-title">Join open room</h3>
        <JoinRoomForm onJoined={onRoomAdded} />
      </section>
    </nav>
  );
}
