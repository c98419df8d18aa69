import type { SecurityEvent } from '@sealroom/protocol';
import { EventItem } from './event-item.tsx';

type Props = {
  events: readonly SecurityEvent[];
  onDismiss: (e: SecurityEvent) => void;
  onVerify: (handle: string) => void;
  onShowAll: () => void;
  testId: string;
  label: string;
};

/** Undismissed security events of one scope (a room, or none); dismissed ones stay in the Events view. */
export function SecurityBanner({ events, onDismiss, onVerify, onShowAll, testId, label }: Props) {
  if (events.length === 0) return null;
  // Newest first: the latest is what the user most needs to read.
  const shown = [...events].reverse();
  return (
    <section className="security-banner" data-testid={testId} aria-label={label}>
      <ul className="event-list">
        {shown.map((e) => (
          <EventItem key={e.id} event={e} onDismiss={onDismiss} onVerify={onVerify} />
        ))}
      </ul>
      <button type="button" className="button button--small button--ghost security-banner__all" onClick={onShowAll}>
        All security events
      </button>
    </section>
  );
}
