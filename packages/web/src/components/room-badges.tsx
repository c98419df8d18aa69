import type { RoomSummary } from '@sealroom/protocol';
import { roomStatusLabel } from '../lib/format.ts';

export function RoomBadges({ room }: { room: Pick<RoomSummary, 'open' | 'status'> }) {
  const status = roomStatusLabel(room.status);
  return (
    <>
      <span className={`badge ${room.open ? 'badge--open' : 'badge--invite'}`} data-testid="room-access">
        {room.open ? 'open' : 'invite-only'}
      </span>
      {status !== null ? (
        <span className={`badge badge--status badge--${room.status}`} data-testid="room-status">
          {status}
        </span>
      ) : null}
    </>
  );
}
