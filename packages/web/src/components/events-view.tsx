import type { RoomSummary, SecurityEvent } from '@sealroom/protocol';
import { roomDisplayName } from '../lib/format.ts';
import { dismissKey } from '../lib/security-events.ts';
import { ErrorText } from './error-text.tsx';
import { EventItem } from './event-item.tsx';

type Props = {
  events: readonly SecurityEvent[];
  dismissed: ReadonlySet<string>;
  rooms: readonly RoomSummary[];
  error: unknown;
  onDismiss: (e: SecurityEvent) => void;
  onVerify: (handle: string) => void;
  onClose: () => void;
};

/** Every security event the proxy recorded, newest first, dismissed or not: nothing is ever silently lost. */
export function EventsView({ events, dismissed, rooms, error, onDismiss, onVerify, onClose }: Props) {
  const roomName = (roomId: string | null) => {
    if (roomId === null) return null;
    const r = rooms.find((x) => x.roomId === roomId);
    return r !== undefined ? roomDisplayName(r) : `room ${roomId.slice(0, 8)}`;
  };
  return (
    <section className="page" data-testid="events-view" aria-label="Security events">
      <header className="page__header">
        <button type="button" className="button button--ghost" onClick={onClose} data-testid="events-close">
          ← Back
        </button>
        <h2 className="page__title">Security events</h2>
      </header>
      <div className="page__body">
        <ErrorText error={error} />
        {events.length === 0 ? <p className="muted empty-note">No security events yet.</p> : null}
        <ul className="event-list">
          {[...events].reverse().map((e) => (
            <EventItem
              key={e.id}
              event={e}
              roomLabel={roomName(e.roomId)}
              dismissed={dismissed.has(dismissKey(e))}
              onDismiss={onDismiss}
              onVerify={onVerify}
            />
          ))}
        </ul>
      </div>
    </section>
  );
}
