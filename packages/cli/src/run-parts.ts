import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { CliErrorCode, SealroomError } from '@sealroom/protocol';
import { parseLimitOverrides, startRelay } from '@sealroom/server';
import type { AutoAccept } from '@sealroom/client';
import { startProxy, type ProxyOptions, type RunningProxy } from '@sealroom/proxy';

export { DEFAULT_PROXY_PORT, DEFAULT_SERVER_PORT } from './defaults.js';

export type Closer = { close(): Promise<void> };

/** Stop everything cleanly on Ctrl-C / SIGTERM, once. */
export function closeOnSignal(parts: Closer[], out: (s: string) => void): Promise<void> {
  return new Promise((done) => {
    let closing = false;
    const stop = () => {
      if (closing) return;
      closing = true;
      out('stopping…');
      void Promise.allSettled([...parts].reverse().map((p) => p.close())).then(() => done());
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

/**
 * `publicUrl`: the URL(s) devices use to reach the relay (behind TLS or a proxy); logins must name one.
 * `limits`: `NAME=N` overrides of the relay's resource bounds; `reservedHandles`: a comma list replacing the
 * default; `clientIpHeader`: the header a reverse proxy puts the client's address in.
 */
export async function runServer(o: {
  port: number;
  host: string;
  dataDir: string;
  publicUrl?: string[];
  quiet?: boolean;
  limits?: string[];
  reservedHandles?: string;
  clientIpHeader?: string;
}) {
  if (o.publicUrl !== undefined) {
    for (const u of o.publicUrl) {
      if (!URL.canParse(u)) throw new SealroomError(CliErrorCode.Usage, `not a URL: --public-url ${u}`);
    }
  }
  let limits;
  try {
    limits = parseLimitOverrides(o.limits ?? []);
  } catch (e) {
    throw new SealroomError(CliErrorCode.Usage, (e as Error).message);
  }
  const reserved = o.reservedHandles?.split(',').map((h) => h.trim()).filter((h) => h !== '');
  mkdirSync(o.dataDir, { recursive: true });
  return startRelay({
    port: o.port,
    host: o.host,
    dataDir: resolve(o.dataDir),
    ...(o.publicUrl !== undefined ? { publicUrl: o.publicUrl } : {}),
    limits,
    ...(reserved !== undefined ? { reservedHandles: reserved } : {}),
    ...(o.clientIpHeader !== undefined ? { clientIpHeader: o.clientIpHeader } : {}),
    // pino JSON lines on stderr (`part: 'relay'` names the source); stdout keeps the one "listening" line.
    ...(o.quiet ? {} : { log: writeStderrLine }),
  });
}

/** One log line (a pino JSON object) to stderr, as it is: a prefix would make it unparseable. */
const writeStderrLine = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

export async function runProxy(o: {
  port: number;
  serverUrl: string;
  dataDir: string;
  handle?: string;
  label?: string;
  autoAccept?: AutoAccept;
  passphrase?: ProxyOptions['passphrase'];
}): Promise<RunningProxy> {
  return startProxy({
    port: o.port,
    serverUrl: o.serverUrl,
    ...(o.autoAccept !== undefined ? { autoAccept: o.autoAccept } : {}),
    dataDir: resolve(o.dataDir),
    ...(o.handle !== undefined ? { handle: o.handle } : {}),
    ...(o.passphrase !== undefined ? { passphrase: o.passphrase } : {}),
    log: writeStderrLine,
    ...(o.label !== undefined ? { logName: o.label } : {}),
  });
}
