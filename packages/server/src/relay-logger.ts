import type { Logger } from 'pino';
import { createPartLogger, type PartLog } from '@sealroom/protocol/part-logger';

export { REDACTED, REDACTED_KEYS, type LogFields } from '@sealroom/protocol/part-logger';

/** The relay's log as handlers see it: info for normal events, warn for refusals and limits, error for failures. */
export type RelayLog = PartLog;

/** The relay's pino logger (`part: 'relay'`): see `createPartLogger`. */
export function createRelayLogger(sink: ((line: string) => void) | undefined): Logger {
  return createPartLogger('relay', sink);
}
