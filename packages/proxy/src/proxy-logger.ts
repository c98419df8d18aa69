import pino, { type Logger } from 'pino';

/**
 * One log record's fields: flat metadata (handles, room ids, sizes, codes, durations). Scalars only, so a
 * call site cannot hand a request or an entry object to the log by mistake; redaction is the second line.
 */
export type LogFields = Readonly<Record<string, string | number | boolean | null>>;

/** The proxy's log: info for normal events, warn for warnings, security events and replaced files, error for failures. */
export type ProxyLog = {
  info(fields: LogFields, msg: string): void;
  warn(fields: LogFields, msg: string): void;
  error(fields: LogFields, msg: string): void;
};

/**
 * Keys whose values are replaced by '[redacted]' at the top level and one level down: ciphertext and MLS
 * messages (data, commit, welcome, groupInfo, keyPackage(s), lastResort), login material (signature,
 * challenge, token, credential, cookie, code, passphrase) and keys. `identityKey` is public, but no log
 * line needs it (the handle names the account), so it goes too. Error codes are logged as `errorCode`,
 * never `code`: `code` is the one-time login code. The same list as the relay's (packages/server
 * relay-logger.ts; the proxy does not depend on the server package). docs/security.md, "Logs".
 */
export const REDACTED_KEYS = [
  'data',
  'commit',
  'welcome',
  'groupInfo',
  'keyPackage',
  'keyPackages',
  'lastResort',
  'signature',
  'challenge',
  'identityKey',
  'token',
  'credential',
  'cookie',
  'code',
  'passphrase',
  'key',
  'secret',
  'password',
  'authorization',
] as const;

export const REDACTED = '[redacted]';

/**
 * A pino logger writing one JSON object per line to `sink` (without the trailing newline), with
 * `part: 'proxy'` (and pino's `name`, when given: the demo runs two proxies), an ISO time and level names. Without a sink nothing is logged. A sink that throws loses
 * that line only: logging must not take an event listener (and so the proxy) down.
 */
export function createProxyLogger(sink: ((line: string) => void) | undefined, name?: string): Logger {
  if (sink === undefined) return pino({ level: 'silent' });
  const destination = {
    write(line: string): void {
      try {
        sink(line.endsWith('\n') ? line.slice(0, -1) : line);
      } catch {
        // Nothing better to do with a log line the sink refused.
      }
    },
  };
  return pino(
    {
      level: 'info',
      base: name === undefined ? { part: 'proxy' } : { part: 'proxy', name },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_KEYS.flatMap((k) => [k, `*.${k}`]), censor: REDACTED },
    },
    destination,
  );
}
