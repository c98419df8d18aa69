import { io, type Socket } from 'socket.io-client';
import { CliErrorCode, SealroomError, type Ack, type LocalClientEvents, type LocalServerEvents } from '@sealroom/protocol';

type Req<E extends keyof LocalClientEvents> = Parameters<LocalClientEvents[E]>[0];
type Res<E extends keyof LocalClientEvents> = Extract<Parameters<Parameters<LocalClientEvents[E]>[1]>[0], { ok: true }>;

/** Split the URL a proxy printed (`http://127.0.0.1:3003/#token=…`) into origin and token. */
export function parseProxyUrl(raw: string): { origin: string; token: string } {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new SealroomError(CliErrorCode.Usage, `not a URL: ${raw}`);
  }
  const token = new URLSearchParams(u.hash.replace(/^#/, '')).get('token');
  if (!token) throw new SealroomError(CliErrorCode.Usage, 'the proxy URL has no #token=…; use the URL the proxy printed');
  return { origin: u.origin, token };
}

/** A scripting connection to a running proxy, through the same local API the web UI uses. */
export class LocalApiClient {
  private constructor(readonly socket: Socket<LocalServerEvents, LocalClientEvents>) {}

  static async connect(proxyUrl: string, timeoutMs = 5000): Promise<LocalApiClient> {
    const { origin, token } = parseProxyUrl(proxyUrl);
    const socket: Socket<LocalServerEvents, LocalClientEvents> = io(origin, {
      transports: ['websocket'],
      auth: { token },
      reconnection: false,
      timeout: timeoutMs,
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', (e) => {
        socket.close();
        const code = /ERR_PROXY_\w+/.exec(e.message)?.[0];
        reject(
          code
            ? new SealroomError(code as never, code === 'ERR_PROXY_BAD_TOKEN' ? 'the proxy refused the token (is it from this run?)' : e.message)
            : new SealroomError(CliErrorCode.ProxyUnreachable, `proxy unreachable at ${origin}`),
        );
      });
    });
    return new LocalApiClient(socket);
  }

  async call<E extends keyof LocalClientEvents>(event: E, payload: Req<E>, timeoutMs = 60_000): Promise<Res<E>> {
    const emit = this.socket.timeout(timeoutMs).emitWithAck as unknown as (e: E, p: Req<E>) => Promise<Ack<object>>;
    let res: Ack<object>;
    try {
      res = await emit.call(this.socket.timeout(timeoutMs), event, payload);
    } catch {
      throw new SealroomError(CliErrorCode.ProxyUnreachable, `the proxy did not answer ${event}`);
    }
    if (!res.ok) throw new SealroomError(res.code, res.message ?? res.code);
    return res as Res<E>;
  }

  close(): void {
    this.socket.close();
  }
}
