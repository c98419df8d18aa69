import type { WhoAmI } from '@sealroom/protocol';
import { shortFingerprint } from '../lib/format.ts';
import { ConnectionStatus } from './connection-status.tsx';

export function Header({ me, proxyConnected }: { me: WhoAmI; proxyConnected: boolean }) {
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
      <ConnectionStatus relayConnected={me.connected} proxyConnected={proxyConnected} server={me.server} />
    </header>
  );
}
