import type { RoomSummary, SecurityEvent } from '@sealroom/protocol';
import { useMessages } from '../hooks/use-messages.ts';
import { roomDisplayName } from '../lib/format.ts';
import { sendBlock } from '../lib/trust.ts';
import { Composer } from './composer.tsx';
import { RoomBadges } from './room-badges.tsx';
import { RoomRecovery } from './room-recovery.tsx';
import { SecurityBanner } from './security-banner.tsx';
import { SendBlocked } from './send-blocked.tsx';
import { Timeline } from './timeline.tsx';

type Props = {
  room: RoomSummary;
  session: number;
  membersOpen: boolean;
  onToggleMembers: () => void;
  /** Undismissed security events about this room. */
  events: readonly SecurityEvent[];
  onDismiss: (e: SecurityEvent) => void;
  onVerify: (handle: string) => void;
  onShowEvents: () => void;
};

function disabledReason(room: RoomSummary): string | null {
  switch (room.status) {
    case 'active':
      return null;
    case 'held':
      return 'On hold until you accept a changed key.';
    case 'left':
      return 'You left this room.';
    case 'removed':
      return 'You were removed from this room.';
    case 'out-of-sync':
      return 'This room is out of sync on this device.';
  }
}

export function RoomView({ room, session, membersOpen, onToggleMembers, events, onDismiss, onVerify, onShowEvents }: Props) {
  const { messages, loading, error, upsert } = useMessages(room.roomId, session);
  const block = sendBlock(room);
  const reason = disabledReason(room) ?? (block !== null ? 'Blocked until you accept a changed key.' : null);
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
      <SecurityBanner
        events={events}
        onDismiss={onDismiss}
        onVerify={onVerify}
        onShowAll={onShowEvents}
        testId="room-security-banner"
        label="Security notices for this room"
      />
      <RoomRecovery room={room} />
      <Timeline roomId={room.roomId} messages={messages} loading={loading} error={error} />
      {block !== null && room.status !== 'left' && room.status !== 'removed' ? <SendBlocked block={block} onVerify={onVerify} /> : null}
      <Composer key={room.roomId} roomId={room.roomId} disabledReason={reason} onSent={upsert} />
    </section>
  );
}
