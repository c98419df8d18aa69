import { ApiContext } from './api/api-context.ts';
import { ClosedScreen } from './components/closed-screen.tsx';
import { ConnectingScreen } from './components/connecting-screen.tsx';
import { SessionView } from './components/session-view.tsx';
import { UnauthorisedScreen } from './components/unauthorised-screen.tsx';
import { useConnection } from './hooks/use-connection.ts';
import type { LoginFailure } from './lib/login.ts';

/** `loginFailure`: why a login link just failed; shown only if the connection is refused too (a session may still be valid). */
export function App({ loginFailure }: { loginFailure: LoginFailure | null }) {
  const { state, client, reconnect } = useConnection();

  switch (state.kind) {
    case 'unauthorised':
      return <UnauthorisedScreen reason={state.reason} loginFailure={loginFailure} />;
    case 'connecting':
    case 'unreachable':
      return <ConnectingScreen unreachable={state.kind === 'unreachable'} />;
    case 'closed':
      return <ClosedScreen onReconnect={reconnect} />;
    case 'connected':
    case 'lost':
      if (client === null) return <ConnectingScreen unreachable={false} />;
      return (
        <ApiContext value={client}>
          <SessionView session={state.session} proxyConnected={state.kind === 'connected'} />
        </ApiContext>
      );
  }
}
