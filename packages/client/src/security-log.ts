import type { EventEmitter } from 'node:events';
import type { SecurityEvent } from '@sealroom/protocol';
import type { ClientStore, NewSecurityEvent } from './client-store.js';
import type { ClientEvents } from './client-events.js';

/**
 * Every security event is persisted, then pushed to whoever listens (the proxy's local API → UI and CLI).
 * Nothing the user should know about ends as a log line only.
 */
export class SecurityLog {
  constructor(
    private readonly store: ClientStore,
    private readonly events: EventEmitter<ClientEvents>,
  ) {}

  async report(e: NewSecurityEvent): Promise<SecurityEvent> {
    const ev = await this.store.appendEvent(e);
    this.events.emit('security', ev);
    return ev;
  }

  async reportAll(es: readonly NewSecurityEvent[]): Promise<void> {
    for (const e of es) await this.report(e);
  }
}
