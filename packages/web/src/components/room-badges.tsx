import type { RoomSummary } from '@sealroom/protocol';
import { roomStatusLabel } from '../lib/format.ts';

export function RoomBadges({ room }: { room: Pick<RoomSummary, 'open' | 'status' | 'keyChanged'> }) {
  const status = roomStatusLabel(room.status);
  const changed = room.keyChanged?.length ?? 0;
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
      {changed > 0 ? (
        <span className="badge badge--changed" data-testid="room-key-changed" title={`Key changed: ${room.keyChanged.join(', ')}`}>
          ⚠ key changed
        </span>
      ) : null}
    </>
  );
}
