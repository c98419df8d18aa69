import type { RoomSummary } from '@sealroom/protocol';
import { useApi } from '../api/api-context.ts';
import { useAction } from '../hooks/use-action.ts';
import { asRoomId } from '../lib/ids.ts';
import { ErrorText } from './error-text.tsx';

/** For a room that is out of sync: why, and what the user can do (rejoin an open room, or ask to be re-added). */
export function RoomRecovery({ room }: { room: RoomSummary }) {
  const api = useApi();
  const { run, pending, error } = useAction();
  if (room.status !== 'out-of-sync') return null;
  return (
    <div className="room-recovery" role="alert" data-testid="room-recovery">
      <p>
        This room is out of sync on this device{room.reason ? `: ${room.reason}` : ''}. Nothing more is shown or sent here until it is
        repaired.
      </p>
      {room.recovery === 'rejoin' ? (
        <button
          type="button"
          className="button"
          disabled={pending}
          data-testid="room-rejoin"
          onClick={() => void run(() => api.call('rooms.rejoin', { roomId: asRoomId(room.roomId) }))}
        >
          {pending ? 'Rejoining…' : 'Rejoin this open room'}
        </button>
      ) : (
        <p>Ask a member to remove you and invite you again.</p>
      )}
      <ErrorText error={error} />
    </div>
  );
}
