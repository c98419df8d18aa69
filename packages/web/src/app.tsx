import { ApiContext } from './api/api-context.ts';
import { ClosedScreen } from './components/closed-screen.tsx';
import { ConnectingScreen } from './components/connecting-screen.tsx';
import { SessionView } from './components/session-view.tsx';
import { UnauthorisedScreen } from './components/unauthorised-screen.tsx';
import { useConnection } from './hooks/use-connection.ts';

export function App({ token }: { token: string | null }) {
  const { state, client, reconnect } = useConnection(token);

  switch (state.kind) {
    case 'unauthorised':
      return <UnauthorisedScreen reason={state.reason} />;
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
