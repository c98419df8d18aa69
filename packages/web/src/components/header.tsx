import type { WhoAmI } from '@sealroom/protocol';
import { shortFingerprint } from '../lib/format.ts';
import { ConnectionStatus } from './connection-status.tsx';

type Props = { me: WhoAmI; proxyConnected: boolean; undismissedEvents: number; onShowEvents: () => void };

export function Header({ me, proxyConnected, undismissedEvents, onShowEvents }: Props) {
  return (
    <header className="header">
      <div className="brand">
        <span className="brand__mark" aria-hidden="true" />
        Sealroom
      </div>
      <div className="header__me">
        <span className="header__handle" data-testid="self-handle">
          {me.handle}
        </span>
        <span className="fingerprint" data-testid="self-fingerprint" title={me.fingerprint ?? undefined}>
          {shortFingerprint(me.fingerprint)}
        </span>
      </div>
      <button type="button" className="button button--ghost button--small header__events" data-testid="events-open" onClick={onShowEvents}>
        Security events
        {undismissedEvents > 0 ? (
          <span className="count-badge" data-testid="events-count" aria-label={`${undismissedEvents} not dismissed`}>
            {undismissedEvents}
          </span>
        ) : null}
      </button>
      <ConnectionStatus relayConnected={me.connected} proxyConnected={proxyConnected} server={me.server} />
    </header>
  );
}
