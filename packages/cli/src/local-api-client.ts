import { io, type Socket } from 'socket.io-client';
import { CliErrorCode, SealroomError, type Ack, type LocalClientEvents, type LocalServerEvents } from '@sealroom/protocol';
import { readAccessFile } from '@sealroom/proxy';

type Req<E extends keyof LocalClientEvents> = Parameters<LocalClientEvents[E]>[0];
type Res<E extends keyof LocalClientEvents> = Extract<Parameters<Parameters<LocalClientEvents[E]>[1]>[0], { ok: true }>;

/**
 * `--proxy` / `SEALROOM_PROXY` name a proxy's data directory (or its access file), never a URL: a secret in
 * argv or the environment of a command line is readable by every local user through the process list.
 */
export function checkProxyTarget(target: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target) || target.includes('#token=')) {
    throw new SealroomError(
      CliErrorCode.Usage,
      '--proxy/SEALROOM_PROXY now name the proxy\'s data directory (e.g. .sealroom/proxy-3003), not a URL: ' +
        'a token on the command line is visible to other local users in the process list. ' +
        'The proxy writes its address and credential to DIR/proxy-access.json (mode 0600).',
    );
  }
  return target;
}

/** Where the proxy whose data directory (or access file) is `target` listens, and the credential it wrote there. */
export function resolveProxy(target: string): { origin: string; credential: string } {
  const found = readAccessFile(checkProxyTarget(target));
  if (found.ok) return { origin: found.access.url, credential: found.access.credential };
  const why = {
    missing: `no running proxy found: ${found.path} does not exist (start \`sealroom proxy\`, or point --proxy/SEALROOM_PROXY at its data directory)`,
    unreadable: `cannot read ${found.path} (it is the proxy owner's, mode 0600)`,
    malformed: `${found.path} is not a proxy access file`,
    'not-private': `${found.path} is owned by another user or writable by others: not trusted (the proxy writes it 0600)`,
  }[found.why];
  throw new SealroomError(CliErrorCode.ProxyUnreachable, why);
}

/** A scripting connection to a running proxy, through the same local API the web UI uses. */
export class LocalApiClient {
  private constructor(readonly socket: Socket<LocalServerEvents, LocalClientEvents>) {}

  /** `target`: the proxy's data directory or access file (see resolveProxy). */
  static async connect(target: string, timeoutMs = 5000): Promise<LocalApiClient> {
    const { origin, credential } = resolveProxy(target);
    const socket: Socket<LocalServerEvents, LocalClientEvents> = io(origin, {
      transports: ['websocket'],
      auth: { token: credential },
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
            ? new SealroomError(code as never, code === 'ERR_PROXY_BAD_TOKEN' ? 'the proxy refused the credential (is the access file from an older run?)' : e.message)
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
