import pino, { type Logger } from 'pino';

/**
 * One log record's fields: flat metadata (handles, room ids, sizes, codes, durations). Scalars only, so a
 * call site cannot hand a request or an entry object to the log by mistake; redaction is the second line.
 */
export type LogFields = Readonly<Record<string, string | number | boolean | null>>;

/** A part's log as its code sees it: info for normal events, warn for refusals, limits and warnings, error for failures. */
export type PartLog = {
  info(fields: LogFields, msg: string): void;
  warn(fields: LogFields, msg: string): void;
  error(fields: LogFields, msg: string): void;
};

/**
 * Keys whose values are replaced by '[redacted]' at the top level and one level down: ciphertext and MLS
 * messages (data, commit, welcome, groupInfo, keyPackage(s), lastResort), login material (signature,
 * challenge, token, credential, cookie, code, passphrase) and keys. `identityKey` is public, but no log
 * line needs it (the handle names the account), so it goes too. Error codes are logged as `errorCode`,
 * never `code`: `code` is the proxy's one-time login code. docs/security.md, "Logs".
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
 * A pino logger writing one JSON object per line to `sink` (without the trailing newline), with `part` (and
 * pino's `name`, when given: the demo runs two proxies), an ISO time and level names. Without a sink nothing is
 * logged. A sink that throws loses that line only: logging must not take a handler, a timer or an event
 * listener (and so the process) down. Shared by the relay and the proxy (which may not depend on each other);
 * imported as `@sealroom/protocol/part-logger`, outside the package index, so the web UI never loads pino.
 */
export function createPartLogger(part: 'relay' | 'proxy', sink: ((line: string) => void) | undefined, name?: string): Logger {
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
      base: name === undefined ? { part } : { part, name },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_KEYS.flatMap((k) => [k, `*.${k}`]), censor: REDACTED },
    },
    destination,
  );
}
