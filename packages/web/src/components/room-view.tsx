import type { RoomSummary } from '@sealroom/protocol';
import { useMessages } from '../hooks/use-messages.ts';
import { roomDisplayName } from '../lib/format.ts';
import { Composer } from './composer.tsx';
import { RoomBadges } from './room-badges.tsx';
import { Timeline } from './timeline.tsx';

type Props = { room: RoomSummary; session: number; membersOpen: boolean; onToggleMembers: () => void };

function disabledReason(room: RoomSummary): string | null {
  switch (room.status) {
    case 'active':
      return null;
    case 'left':
      return 'You left this room.';
    case 'removed':
      return 'You were removed from this room.';
    case 'failed':
      return 'This room is out of sync and cannot be used.';
  }
}

export function RoomView({ room, session, membersOpen, onToggleMembers }: Props) {
  const { messages, loading, error, upsert } = useMessages(room.roomId, session);
  return (
    <section className="room-view" aria-label={roomDisplayName(room)} data-testid="room-view" data-room-id={room.roomId}>
      <header className="room-view__header">
        <h2 className="room-view__title" data-testid="room-title">
          {roomDisplayName(room)}
        </h2>
        <div className="room-view__badges">
          <RoomBadges room={room} />
        </div>
        <button
          type="button"
          className="button button--ghost room-view__members-toggle"
          onClick={onToggleMembers}
          aria-expanded={membersOpen}
        >
          Members ({room.members})
        </button>
      </header>
      <Timeline roomId={room.roomId} messages={messages} loading={loading} error={error} />
      <Composer key={room.roomId} roomId={room.roomId} disabledReason={disabledReason(room)} onSent={upsert} />
    </section>
  );
}
