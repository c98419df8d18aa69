import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Server } from 'socket.io';
import { Limits, ProxyErrorCode, type LocalClientEvents, type LocalServerEvents } from '@sealroom/protocol';
import { SealroomClient, type AutoAccept } from '@sealroom/client';
import { registerLocalApi } from './local-api.js';
import { SqliteClientStore } from './sqlite-client-store.js';
import { sendStatus, serveStatic } from './static-files.js';
import { WebGuard } from './web-guard.js';

export type ProxyOptions = {
  port: number;
  serverUrl: string;
  dataDir: string;
  /** Create the identity for this handle on first start (else the web UI offers onboarding). */
  handle?: string;
  /** Built web UI; defaults to packages/web/dist. */
  webDir?: string;
  /** Invitations that join without asking: 'none' (default) or 'verified' (from verified contacts only). */
  autoAccept?: AutoAccept;
  /** Fixed token (tests only); default: 256 random bits per run. */
  token?: string;
  log?: (line: string) => void;
};

export type RunningProxy = {
  url: string;
  port: number;
  /** The address the HTTP server is bound to (always loopback). */
  address: string;
  token: string;
  client: SealroomClient;
  close(): Promise<void>;
};

const DEFAULT_WEB_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../web/dist');

/** Start the user's local crypto agent: the client engine, the local API and the web UI, on 127.0.0.1 only. */
export async function startProxy(opts: ProxyOptions): Promise<RunningProxy> {
  const log = opts.log ?? (() => {});
  const store = new SqliteClientStore(opts.dataDir);
  const client = new SealroomClient({ store, serverUrl: opts.serverUrl, autoAccept: opts.autoAccept ?? 'none' });
  await client.start();
  if (opts.handle !== undefined) {
    if (client.handle === null) await client.onboard(opts.handle);
    else if (client.handle !== opts.handle)
      throw new Error(`this data directory belongs to ${client.handle}, not ${opts.handle}`);
  }
  client.on('warning', (w) => log(`warning ${w.code}${w.roomId ? ` room=${w.roomId}` : ''}: ${w.text}`));
  // Security events reach the UI and the CLI through the local API; the log line is for the operator.
  client.on('security', (e) => log(`security ${e.kind}${e.code ? ` ${e.code}` : ''}${e.roomId ? ` room=${e.roomId}` : ''}: ${e.text}`));

  const webDir = opts.webDir ?? DEFAULT_WEB_DIR;
  const http = createServer();
  // Port 0 is resolved after listen; the guard needs the real port for its Host/Origin allowlists.
  let guard: WebGuard | null = null;
  http.on('request', (req, res) => {
    if (req.url?.startsWith('/socket.io/')) return; // engine.io answers these (after allowRequest)
    if (!guard || !guard.hostAllowed(req.headers.host)) return sendStatus(res, 403, 'forbidden host');
    if (!guard.originAllowed(req.headers.origin)) return sendStatus(res, 403, 'forbidden origin');
    serveStatic(webDir, req, res);
  });
  await new Promise<void>((ok, fail) => {
    http.once('error', fail);
    http.listen(opts.port, '127.0.0.1', () => ok());
  });
  const address = http.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  const boundTo = typeof address === 'object' && address ? address.address : '127.0.0.1';
  guard = new WebGuard(port, opts.token);
  const g = guard;

  const io = new Server<LocalClientEvents, LocalServerEvents>(http, {
    transports: ['websocket'],
    serveClient: false,
    maxHttpBufferSize: Limits.localFrameBytes,
    // Runs on the handshake request: Host (DNS rebinding) and Origin (cross-site WebSocket hijacking).
    allowRequest: (req, cb) => cb(null, g.requestAllowed(req)),
    allowUpgrades: false,
  });
  // engine.io skips allowRequest for requests that carry a session id, so a request naming an existing
  // sid could attach a foreign WebSocket to a logged-in session. This middleware runs on every request;
  // a websocket-only client never sends a sid, so any sid is refused along with bad Host/Origin.
  io.engine.use((req: IncomingMessage, _res: ServerResponse, next: (err?: Error) => void) => {
    const sid = new URL(req.url ?? '/', 'http://x').searchParams.get('sid');
    next(g.requestAllowed(req) && sid === null ? undefined : new Error('forbidden'));
  });
  // allowRequest runs only on the first handshake request, so check again per socket, then the token.
  io.use((socket, next) => {
    const h = socket.handshake.headers;
    if (!g.hostAllowed(h.host)) return next(new Error(ProxyErrorCode.BadHost));
    if (!g.originAllowed(h.origin)) return next(new Error(ProxyErrorCode.BadOrigin));
    const auth = socket.handshake.auth as { token?: unknown } | undefined;
    if (!g.tokenValid(auth?.token)) return next(new Error(ProxyErrorCode.BadToken));
    next();
  });
  registerLocalApi(io, client, opts.serverUrl);

  const url = `http://127.0.0.1:${port}/#token=${g.token}`;
  return {
    url,
    port,
    address: boundTo,
    token: g.token,
    client,
    async close() {
      await client.close();
      await io.close();
      await new Promise<void>((ok) => http.close(() => ok()));
      await store.close();
    },
  };
}

