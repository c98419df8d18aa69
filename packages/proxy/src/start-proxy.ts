import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Server } from 'socket.io';
import { Limits, ProxyErrorCode, type LocalClientEvents, type LocalServerEvents } from '@sealroom/protocol';
import { SealroomClient, type AutoAccept } from '@sealroom/client';
import { ACCESS_FILE, removeAccessFile, writeAccessFile } from './access-file.js';
import { BrowserSessions } from './browser-sessions.js';
import { handleLogin, LOGIN_PATH } from './login-endpoint.js';
import { LoginCodes } from './login-codes.js';
import { registerLocalApi } from './local-api.js';
import { ensurePrivateDir } from './private-file.js';
import { createProxyLogger, type ProxyLog } from './proxy-logger.js';
import { loadOrCreateSessionKey } from './session-key.js';
import { readPassphrase, type PassphraseSource } from './passphrase-source.js';
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
  /** How long a login link works (default 5 minutes; tests shorten it). */
  loginCodeTtlMs?: number;
  /** Clock for login codes and session cookies (tests only). */
  now?: () => number;
  /** Seal the data directory with a passphrase (`--passphrase-file`, `SEALROOM_PASSPHRASE`); none: `master.key` beside the db. */
  passphrase?: PassphraseSource;
  /** Log sink: one pino JSON object per call (no trailing newline), secrets redacted; without it, no log. */
  log?: (line: string) => void;
  /** A `name` field on every log record, to tell proxies apart when several share one stderr (the demo). */
  logName?: string;
};

export type RunningProxy = {
  url: string;
  port: number;
  /** The address the HTTP server is bound to (always loopback). */
  address: string;
  /** The CLI credential of this run (also in `accessFile`, 0600); never printed or logged. */
  credential: string;
  /** The file the CLI reads the address and credential from. */
  accessFile: string;
  /** A fresh one-time login link for a browser (`url` is the first one). */
  loginLink(): string;
  client: SealroomClient;
  close(): Promise<void>;
};

const DEFAULT_WEB_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../web/dist');

/** Start the user's local crypto agent: the client engine, the local API and the web UI, on 127.0.0.1 only. */
export async function startProxy(opts: ProxyOptions): Promise<RunningProxy> {
  const log: ProxyLog = createProxyLogger(opts.log, opts.logName);
  const store = new SqliteClientStore(opts.dataDir, { passphrase: readPassphrase(opts.passphrase ?? {}) });
  // The credential and the session key live here; the store may have found the directory already made.
  ensurePrivateDir(opts.dataDir);
  const now = opts.now ?? Date.now;
  const sessionKey = loadOrCreateSessionKey(opts.dataDir, log);
  const codes = new LoginCodes(opts.loginCodeTtlMs, now);
  const client = new SealroomClient({ store, serverUrl: opts.serverUrl, autoAccept: opts.autoAccept ?? 'none' });
  await client.start();
  if (opts.handle !== undefined) {
    if (client.handle === null) await client.onboard(opts.handle);
    else if (client.handle !== opts.handle)
      throw new Error(`this data directory belongs to ${client.handle}, not ${opts.handle}`);
  }
  client.on('warning', (w) => log.warn({ errorCode: w.code, room: w.roomId, text: w.text }, 'warning'));
  // Security events reach the UI and the CLI through the local API; the log line is for the operator.
  // JSON strings escape newlines and controls, so an untrusted handle or text cannot forge a log line.
  client.on('security', (e) =>
    log.warn({ event: e.kind, errorCode: e.code, room: e.roomId, handle: e.handle, text: e.text }, 'security event'),
  );

  const webDir = opts.webDir ?? DEFAULT_WEB_DIR;
  const http = createServer();
  // Port 0 is resolved after listen; the guard needs the real port for its Host/Origin allowlists.
  let guard: WebGuard | null = null;
  let sessions: BrowserSessions | null = null;
  http.on('request', (req, res) => {
    if (req.url?.startsWith('/socket.io/')) return; // engine.io answers these (after allowRequest)
    if (!guard || !sessions || !guard.hostAllowed(req.headers.host)) return sendStatus(res, 403, 'forbidden host');
    if (!guard.originAllowed(req.headers.origin)) return sendStatus(res, 403, 'forbidden origin');
    if (req.url?.split('?')[0] === LOGIN_PATH) return handleLogin(req, res, codes, sessions);
    serveStatic(webDir, req, res);
  });
  await new Promise<void>((ok, fail) => {
    http.once('error', fail);
    http.listen(opts.port, '127.0.0.1', () => ok());
  });
  const address = http.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  const boundTo = typeof address === 'object' && address ? address.address : '127.0.0.1';
  guard = new WebGuard(port);
  sessions = new BrowserSessions(sessionKey, port, now);
  const g = guard;
  const sess = sessions;

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
  // allowRequest runs only on the first handshake request, so check again per socket, then who it is:
  // the CLI by its credential (`auth.token`), a browser by its session cookie plus that session's page key
  // (`auth.session`: the cookie alone also reaches any other server on 127.0.0.1, whatever its port).
  io.use((socket, next) => {
    const h = socket.handshake.headers;
    if (!g.hostAllowed(h.host)) return next(new Error(ProxyErrorCode.BadHost));
    if (!g.originAllowed(h.origin)) return next(new Error(ProxyErrorCode.BadOrigin));
    const auth = socket.handshake.auth as { token?: unknown; session?: unknown } | undefined;
    if (auth?.token !== undefined) {
      if (!g.credentialValid(auth.token)) return next(new Error(ProxyErrorCode.BadToken));
      (socket.data as { via?: string }).via = 'credential';
      return next();
    }
    const cookie = sess.check(h.cookie, auth?.session);
    if (cookie === 'valid') {
      (socket.data as { via?: string }).via = 'session';
      return next();
    }
    next(new Error(cookie === 'invalid' ? ProxyErrorCode.BadSession : ProxyErrorCode.BadToken));
  });
  const loginLink = () => `http://127.0.0.1:${port}/login#code=${codes.mint()}`;
  registerLocalApi(io, client, opts.serverUrl, loginLink);

  writeAccessFile(opts.dataDir, { version: 1, url: `http://127.0.0.1:${port}`, credential: g.credential, pid: process.pid });
  return {
    url: loginLink(),
    port,
    address: boundTo,
    credential: g.credential,
    accessFile: join(opts.dataDir, ACCESS_FILE),
    loginLink,
    client,
    async close() {
      removeAccessFile(opts.dataDir, g.credential);
      await client.close();
      await io.close();
      await new Promise<void>((ok) => http.close(() => ok()));
      await store.close();
    },
  };
}

