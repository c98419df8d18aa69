import type { SecurityEvent } from '@sealroom/protocol';
import { formatDateTime, formatTime, isoTime } from '../lib/format.ts';
import { eventSeverity, eventTitle } from '../lib/security-events.ts';
import { visibleText } from '../lib/visible-text.ts';

type Props = {
  event: SecurityEvent;
  /** Where it happened, when shown outside its room. */
  roomLabel?: string | null;
  dismissed?: boolean;
  onDismiss?: (e: SecurityEvent) => void;
  onVerify?: (handle: string) => void;
};

/** One security event: what happened, to whom, when, the stable code; the proxy's text is shown as text. */
export function EventItem({ event, roomLabel, dismissed = false, onDismiss, onVerify }: Props) {
  const severity = eventSeverity(event);
  const verifiable = event.handle !== null && (event.kind === 'key-changed' || event.kind === 'credential-refused');
  return (
    <li
      className={`event event--${severity}${dismissed ? ' event--dismissed' : ''}`}
      data-testid="security-event"
      data-kind={event.kind}
      data-event-id={event.id}
      data-severity={severity}
      data-room-id={event.roomId ?? ''}
      role={severity === 'warning' && !dismissed ? 'alert' : undefined}
    >
      <span className="event__icon" aria-hidden="true">
        {severity === 'warning' ? '⚠' : 'ℹ'}
      </span>
      <div className="event__body">
        <div className="event__head">
          <strong className="event__title">{eventTitle(event.kind)}</strong>
          {event.handle !== null ? <span className="event__handle">{visibleText(event.handle)}</span> : null}
          {roomLabel ? <span className="event__room muted">in {roomLabel}</span> : null}
          <time className="event__time muted" dateTime={isoTime(event.time)} title={formatDateTime(event.time)}>
            {formatTime(event.time)}
          </time>
        </div>
        <p className="event__text" data-testid="security-event-text">
          {visibleText(event.text)}
        </p>
        {event.code !== null ? <code className="event__code">{event.code}</code> : null}
      </div>
      <div className="event__actions">
        {verifiable && onVerify !== undefined && event.handle !== null ? (
          <button type="button" className="button button--small" data-testid="event-verify" onClick={() => onVerify(event.handle!)}>
            Check {event.handle}
          </button>
        ) : null}
        {onDismiss !== undefined && !dismissed ? (
          <button
            type="button"
            className="button button--small button--ghost"
            data-testid="event-dismiss"
            aria-label={`Dismiss: ${eventTitle(event.kind)}`}
            onClick={() => onDismiss(event)}
          >
            Dismiss
          </button>
        ) : null}
        {dismissed ? <span className="muted event__dismissed">dismissed</span> : null}
      </div>
    </li>
  );
}
