import type { Logger } from 'pino';
import { createPartLogger, type PartLog } from '@sealroom/protocol/part-logger';

export { REDACTED, REDACTED_KEYS, type LogFields } from '@sealroom/protocol/part-logger';

/** The proxy's log: info for normal events, warn for warnings, security events and replaced files, error for failures. */
export type ProxyLog = PartLog;

/** The proxy's pino logger (`part: 'proxy'`, and `name` when given): see `createPartLogger`. */
export function createProxyLogger(sink: ((line: string) => void) | undefined, name?: string): Logger {
  return createPartLogger('proxy', sink, name);
}
