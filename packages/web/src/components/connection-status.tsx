type Props = { relayConnected: boolean; proxyConnected: boolean; server: string };

/** Relay link as seen by the proxy; if the proxy itself is gone we cannot know, so say that instead. */
export function ConnectionStatus({ relayConnected, proxyConnected, server }: Props) {
  const status = !proxyConnected ? 'proxy-lost' : relayConnected ? 'connected' : 'reconnecting';
  const label = status === 'connected' ? 'connected' : status === 'reconnecting' ? 'reconnecting…' : 'proxy unreachable';
  return (
    <div
      className={`connection connection--${status}`}
      data-testid="connection-status"
      data-status={status}
      title={`Relay: ${server}`}
      role="status"
    >
      <span className="connection__dot" aria-hidden="true" />
      <span className="connection__label">{label}</span>
    </div>
  );
}
