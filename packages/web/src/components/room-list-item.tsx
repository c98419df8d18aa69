import type { RoomSummary } from '@sealroom/protocol';
import { roomDisplayName, roomStatusLabel } from '../lib/format.ts';
import { RoomBadges } from './room-badges.tsx';

type Props = { room: RoomSummary; selected: boolean; unread: boolean; warnings: number; onSelect: (roomId: string) => void };

export function RoomListItem({ room, selected, unread, warnings, onSelect }: Props) {
  const status = roomStatusLabel(room.status);
  return (
    <li>
      <button
        type="button"
        className={`room-item${selected ? ' room-item--selected' : ''}${status !== null ? ' room-item--inactive' : ''}`}
        data-testid="room-item"
        data-room-id={room.roomId}
        data-status={room.status}
        aria-current={selected ? 'true' : undefined}
        onClick={() => onSelect(room.roomId)}
      >
        <span className="room-item__top">
          <span className="room-item__name">{roomDisplayName(room)}</span>
          {warnings > 0 ? (
            <span className="warning-mark" data-testid="room-warning" aria-label={`${warnings} security warnings`} title={`${warnings} security warnings`}>
              ⚠
            </span>
          ) : null}
          {unread ? <span className="unread-dot" aria-label="new messages" /> : null}
        </span>
        <span className="room-item__meta">
          <RoomBadges room={room} />
          <span className="muted">
            {room.members} {room.members === 1 ? 'member' : 'members'}
          </span>
        </span>
      </button>
    </li>
  );
}
