import { mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Limits, relayOrigin } from '@sealroom/protocol';
import { Server } from 'socket.io';
import { Admission } from './admission.js';
import { clientAddress } from './client-address.js';
import { onConnection } from './connection.js';
import type { RelayContext, RelayServer } from './relay-context.js';
import { createRelayLogger, type RelayLog } from './relay-logger.js';
import {
  checkLimits,
  defaultRelayLimits,
  defaultReservedHandles,
  reservedHandleMatcher,
  type RelayLimits,
} from './relay-limits.js';
import type { RelayStore } from './relay-store.js';
import { SqliteRelayStore } from './sqlite-relay-store.js';

export type RelayOptions = {
  /** 0 picks a free port. */
  port: number;
  /** Interface to bind; defaults to 127.0.0.1. Pass '0.0.0.0' or '::' to serve other machines. */
  host?: string;
  /** Where `relay.db` lives; without it (and without `store`) everything is kept in memory. */
  dataDir?: string;
  /** A store to use instead of SQLite; the caller keeps ownership and closes it. */
  store?: RelayStore;
  /**
   * Log sink: receives one pino JSON object per call (no trailing newline) carrying metadata only (event
   * names, handles, room ids, sizes, codes), never payloads; secret-bearing keys are redacted
   * (`createRelayLogger`). Without it the relay logs nothing.
   */
  log?: (line: string) => void;
  /** Resource bounds (rates, quotas, buffer and frame sizes); each one absent takes its default (`defaultRelayLimits`). */
  limits?: Partial<RelayLimits>;
  /** Handles nobody may register (`*` at the end reserves a prefix). Replaces `defaultReservedHandles`. */
  reservedHandles?: readonly string[];
  /**
   * The header a reverse proxy in front of the relay sets to the client's address (e.g. `x-forwarded-for`;
   * its last entry is used). Without it the per-address limits count TCP peers, which behind such a proxy
   * is the proxy itself: every client would share one address's limits.
   */
  clientIpHeader?: string;
  /**
   * The URL(s) clients use to reach this relay (e.g. behind TLS termination: https://relay.example).
   * Devices sign the relay's origin into their login (authTranscript), so a login made for another relay
   * is refused here. Default: the origin the relay listens on, plus the loopback aliases
   * (127.0.0.1, localhost, [::1]) of its port when it listens on loopback or on every interface.
   */
  publicUrl?: string | string[];
};

export type RunningRelay = {
  /** e.g. http://127.0.0.1:41234, for socket.io-client. */
  url: string;
  port: number;
  /** The origins a device's login must name (see `RelayOptions.publicUrl`). */
  acceptedOrigins: readonly string[];
  /** Disconnects every client, stops listening and closes the store if the relay opened it. */
  close(): Promise<void>;
};

function listen(http: HttpServer, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error): void => reject(e);
    http.once('error', onError);
    http.listen(port, host, () => {
      http.off('error', onError);
      resolve();
    });
  });
}

function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', '::1', 'localhost', '0.0.0.0', '::']);

/**
 * The origins logins must name: the configured public URLs, else where the relay listens (and, when
 * loopback reaches it, every loopback spelling of that port: the proxy defaults to http://localhost:3001).
 */
export function acceptedOrigins(publicUrl: string | string[] | undefined, host: string, port: number): string[] {
  if (publicUrl !== undefined) {
    const urls = typeof publicUrl === 'string' ? [publicUrl] : publicUrl;
    if (urls.length === 0) throw new RangeError('publicUrl: at least one URL');
    return [
      ...new Set(
        urls.map((u) => {
          let origin: string;
          try {
            origin = relayOrigin(u);
          } catch {
            throw new TypeError(`publicUrl: not a URL: ${u}`);
          }
          if (origin === 'null') throw new TypeError(`publicUrl: no origin: ${u}`);
          return origin;
        }),
      ),
    ];
  }
  const own = relayOrigin(`http://${urlHost(host)}:${port}`);
  if (!LOOPBACK_HOSTS.has(host) && !host.startsWith('127.')) return [own];
  return [...new Set([own, ...['127.0.0.1', 'localhost', '[::1]'].map((h) => relayOrigin(`http://${h}:${port}`))])];
}

/** Starts the Sealroom relay: an untrusted socket.io delivery service over a durable store. */
export async function startRelay(opts: RelayOptions): Promise<RunningRelay> {
  const host = opts.host ?? '127.0.0.1';
  const ownsStore = opts.store === undefined;
  let store: RelayStore;
  if (opts.store !== undefined) store = opts.store;
  else if (opts.dataDir !== undefined) {
    mkdirSync(opts.dataDir, { recursive: true });
    store = new SqliteRelayStore(join(opts.dataDir, 'relay.db'));
  } else store = new SqliteRelayStore(':memory:');

  // A throwing log sink must not take a handler, a timer or an event listener down: the logger catches.
  const log: RelayLog = createRelayLogger(opts.log);
  const limits = checkLimits({ ...defaultRelayLimits, ...opts.limits });
  const admission = new Admission(limits);
  const isReserved = reservedHandleMatcher(opts.reservedHandles ?? defaultReservedHandles);
  const clientIpHeader = opts.clientIpHeader;

  // socket.io answers under /socket.io/; everything else is a health check or a 404.
  const http = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/healthz') res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    else res.writeHead(404).end();
  });
  const io: RelayServer = new Server(http, {
    // Websocket only: no long-polling buffers, no sticky sessions behind a load balancer.
    transports: ['websocket'],
    maxHttpBufferSize: Limits.relayFrameBytes,
    // connectionStateRecovery stays off: clients resume by sequence number from the durable log instead.
    pingInterval: 10_000,
    pingTimeout: 10_000,
    serveClient: false,
    perMessageDeflate: false,
    httpCompression: false,
    allowUpgrades: false,
    // New connections per address, refused at the HTTP upgrade, before any socket state exists.
    allowRequest: (req, callback) => {
      const address = clientAddress(req, clientIpHeader);
      const ok = admission.connects.take(address);
      if (!ok) log.warn({ address, reason: 'connects per address' }, 'connection refused');
      callback(ok ? null : 'too many connections', ok);
    },
  });
  // engine.io skips its handshake checks for requests naming an existing session id; a websocket-only
  // client never sends one, so refuse any: nobody can attach a second socket to an authenticated session.
  io.engine.use((req: IncomingMessage, _res: ServerResponse, next: (err?: Error) => void) => {
    next(new URL(req.url ?? '/', 'http://x').searchParams.has('sid') ? new Error('forbidden') : undefined);
  });
  // Filled in once the port is known, before any connection can arrive (listen resolves first).
  const origins: string[] = [];
  const ctx: RelayContext = { io, store, log, acceptedOrigins: origins, limits, admission, isReserved };
  io.on('connection', (socket) => {
    try {
      onConnection(ctx, socket, clientIpHeader);
    } catch {
      log.error({ socket: socket.id }, 'connection setup failed');
      socket.disconnect(true);
    }
  });
  io.engine.on('connection_error', (err: { code?: unknown; message?: unknown }) => {
    log.warn({ engineCode: String(err.code), reason: String(err.message) }, 'connection error');
  });

  try {
    await listen(http, opts.port, host);
  } catch (e) {
    await io.close();
    if (ownsStore) await store.close();
    throw e;
  }
  // After listen, a server error (e.g. EMFILE on accept) would be thrown as an unhandled 'error' event.
  http.on('error', (e: NodeJS.ErrnoException) => log.error({ errorCode: e.code ?? null }, 'http error'));
  const port = (http.address() as AddressInfo).port;
  try {
    origins.push(...acceptedOrigins(opts.publicUrl, host, port));
  } catch (e) {
    await io.close();
    if (ownsStore) await store.close();
    throw e;
  }
  log.info({ host, port, origins: origins.join(',') }, 'relay listening');

  let closing: Promise<void> | null = null;
  return {
    url: `http://${urlHost(host)}:${port}`,
    port,
    acceptedOrigins: [...origins],
    close: () => {
      closing ??= (async () => {
        await io.close();
        if (ownsStore) await store.close();
        log.info({}, 'relay closed');
      })();
      return closing;
    },
  };
}
