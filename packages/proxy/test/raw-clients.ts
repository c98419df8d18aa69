/** Raw HTTP and socket.io-over-WebSocket clients for the local-proxy security tests. */
import { request, type IncomingHttpHeaders } from 'node:http';
import { connect as netConnect } from 'node:net';
import WebSocket from 'ws';
import { io, type Socket } from 'socket.io-client';

export type HttpResult = { status: number; headers: IncomingHttpHeaders; body: string };

/** One HTTP request with the path sent exactly as given (no normalisation) and optional raw headers. */
export function httpRaw(
  port: number,
  o: { method?: string; path?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method: o.method ?? 'GET', path: o.path ?? '/', headers: { host: `127.0.0.1:${port}`, ...o.headers }, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error('http timeout')));
    if (o.body !== undefined) req.write(o.body);
    req.end();
  });
}

/** Write raw bytes to the port and return the HTTP status line the server answers with (or null if it just closed). */
export function rawStatusLine(port: number, bytes: Buffer): Promise<string | null> {
  return new Promise((resolve) => {
    const s = netConnect(port, '127.0.0.1');
    let got = '';
    const done = () => {
      s.destroy();
      resolve(got.length ? (got.split('\r\n')[0] ?? null) : null);
    };
    s.on('connect', () => s.write(bytes));
    s.on('data', (d: Buffer) => {
      got += d.toString('latin1');
      if (got.includes('\r\n')) done();
    });
    s.on('error', done);
    s.on('close', done);
    s.setTimeout(3000, done);
  });
}

export type RawSocketIo = {
  ws: WebSocket;
  /** Every text frame received so far. */
  frames: string[];
  /** Emit an event with an ack id; resolves with the ack payload, or 'timeout'. */
  call(event: string, payload: unknown, timeoutMs?: number): Promise<unknown>;
  send(frame: string): void;
  closed: Promise<void>;
  close(): void;
};

export type RawOutcome =
  | { kind: 'refused'; status: number | null; body: string; error: string | null }
  | { kind: 'connect_error'; message: string; conn: RawSocketIo }
  | { kind: 'connected'; conn: RawSocketIo };

/**
 * A socket.io (EIO=4) handshake over a raw WebSocket so we choose every header: Origin, Host, and the
 * `auth` payload of the CONNECT packet. `auth: undefined` sends a CONNECT without auth.
 */
export function rawSocketIo(
  port: number,
  o: { origin?: string; host?: string; auth?: unknown; query?: string; extraHeaders?: Record<string, string> } = {},
): Promise<RawOutcome> {
  const url = `ws://127.0.0.1:${port}/socket.io/?${o.query ?? 'EIO=4&transport=websocket'}`;
  const headers: Record<string, string> = { ...o.extraHeaders };
  if (o.origin !== undefined) headers['Origin'] = o.origin;
  if (o.host !== undefined) headers['Host'] = o.host;
  const ws = new WebSocket(url, { headers, handshakeTimeout: 4000, perMessageDeflate: false });
  const frames: string[] = [];
  let nextId = 1;
  const waiters = new Map<number, (v: unknown) => void>();
  let closedResolve!: () => void;
  const closed = new Promise<void>((r) => (closedResolve = r));
  const conn: RawSocketIo = {
    ws,
    frames,
    send: (f) => ws.send(f),
    call(event, payload, timeoutMs = 3000) {
      const id = nextId++;
      return new Promise((resolve) => {
        const t = setTimeout(() => {
          waiters.delete(id);
          resolve('timeout');
        }, timeoutMs);
        waiters.set(id, (v) => {
          clearTimeout(t);
          resolve(v);
        });
        if (ws.readyState !== WebSocket.OPEN) return;
        ws.send(`42${id}${JSON.stringify([event, payload])}`);
      });
    },
    closed,
    close: () => ws.terminate(),
  };

  return new Promise((resolve) => {
    let settled = false;
    const settle = (v: RawOutcome) => {
      if (!settled) {
        settled = true;
        resolve(v);
      }
    };
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString('utf8')));
      res.on('end', () => {
        settle({ kind: 'refused', status: res.statusCode ?? null, body, error: null });
        ws.terminate();
      });
    });
    ws.on('error', (e) => settle({ kind: 'refused', status: null, body: '', error: e.message }));
    ws.on('close', () => {
      closedResolve();
      settle({ kind: 'refused', status: null, body: '', error: 'closed' });
    });
    ws.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
      if (isBinary) return;
      const f = (Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer)).toString('utf8');
      frames.push(f);
      if (f === '2') return ws.send('3'); // engine.io ping
      if (f.startsWith('0{')) {
        ws.send(o.auth === undefined ? '40' : `40${JSON.stringify(o.auth)}`);
        return;
      }
      if (f.startsWith('40')) return settle({ kind: 'connected', conn });
      if (f.startsWith('44')) {
        let message = f;
        try {
          message = String((JSON.parse(f.slice(2)) as { message?: unknown }).message);
        } catch {
          /* keep the raw frame */
        }
        return settle({ kind: 'connect_error', message, conn });
      }
      const ack = /^43(\d+)(\[.*)$/s.exec(f);
      if (ack) {
        const w = waiters.get(Number(ack[1]));
        waiters.delete(Number(ack[1]));
        const args = JSON.parse(ack[2]!) as unknown[];
        w?.(args[0]);
      }
    });
  });
}

export type SioOutcome = { ok: true; socket: Socket } | { ok: false; error: string };

/** A normal socket.io-client connection (websocket only), optionally with forged headers. */
export function sioConnect(port: number, o: { token?: unknown; auth?: unknown; extraHeaders?: Record<string, string> } = {}): Promise<SioOutcome> {
  const auth = o.auth !== undefined ? o.auth : o.token !== undefined ? { token: o.token } : undefined;
  const socket = io(`http://127.0.0.1:${port}`, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    timeout: 4000,
    ...(auth !== undefined ? { auth: auth as Record<string, unknown> } : {}),
    ...(o.extraHeaders ? { extraHeaders: o.extraHeaders } : {}),
  });
  return new Promise((resolve) => {
    socket.once('connect', () => resolve({ ok: true, socket }));
    socket.once('connect_error', (e: Error) => {
      socket.close();
      resolve({ ok: false, error: e.message });
    });
  });
}

/** emitWithAck with a timeout that resolves to 'timeout' instead of throwing. */
export async function ask(socket: Socket, event: string, payload: unknown, timeoutMs = 10_000): Promise<unknown> {
  try {
    return (await socket.timeout(timeoutMs).emitWithAck(event, payload)) as unknown;
  } catch {
    return 'timeout';
  }
}

/**
 * Try to take over an existing engine.io session by "upgrading" it to a new WebSocket that carries the
 * session id (`sid`), with headers of our choosing: probe, upgrade, then call whoami on the new socket.
 * Returns 'refused' if the handshake or the upgrade is refused, else every frame the attacker received.
 */
export function sidUpgrade(port: number, sid: string, headers: Record<string, string>): Promise<{ outcome: 'refused' | 'opened'; frames: string[] }> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket&sid=${encodeURIComponent(sid)}`, {
    headers,
    handshakeTimeout: 3000,
    perMessageDeflate: false,
  });
  const frames: string[] = [];
  return new Promise((resolve) => {
    let opened = false;
    const finish = () => {
      ws.terminate();
      resolve({ outcome: opened ? 'opened' : 'refused', frames });
    };
    ws.on('unexpected-response', () => finish());
    ws.on('error', () => finish());
    ws.on('close', () => finish());
    ws.on('message', (d: WebSocket.RawData) => frames.push((Array.isArray(d) ? Buffer.concat(d) : Buffer.from(d as Buffer)).toString('utf8')));
    ws.on('open', () => {
      opened = true;
      ws.send('2probe');
      setTimeout(() => {
        if (ws.readyState === WebSocket.OPEN) ws.send('5');
        setTimeout(() => {
          if (ws.readyState === WebSocket.OPEN) ws.send('4277["whoami",{}]');
          setTimeout(finish, 700);
        }, 200);
      }, 200);
    });
  });
}
