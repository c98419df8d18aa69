import type { SecurityEvent } from '@sealroom/protocol';
import { EventMerge } from './event-merge.js';
import { formatEvent, jsonLine } from './format.js';
import type { LocalApiClient } from './local-api-client.js';
import { need, untilStopped, type ScriptFlags, type ScriptRun } from './_script.js';

const PAGE = 1000;

/** Every stored security event, oldest first, paging with `after` (one call per 1000). */
export async function listAllEvents(api: Pick<LocalApiClient, 'call'>): Promise<SecurityEvent[]> {
  const all: SecurityEvent[] = [];
  let after = 0;
  for (;;) {
    const { events } = await api.call('events.list', { after, limit: PAGE });
    all.push(...events);
    const last = events.reduce((m, e) => Math.max(m, e.id), after);
    // A short page is the end; so is a page that does not move forward (never loop on a confused proxy).
    if (events.length < PAGE || last <= after) return all;
    after = last;
  }
}

/** events [--json] [--follow]: one line per security event; --follow keeps streaming new ones. */
export function planEventsCommand(args: string[], f: ScriptFlags): ScriptRun {
  need(args, 0, 'events [--json] [--follow]');
  return async (api, out) => {
    const print = (e: SecurityEvent) => out(f.json ? jsonLine(e) : formatEvent(e));
    const merge = new EventMerge();
    // Subscribe first so nothing falls between the list and the stream; the merge drops the overlap.
    if (f.follow) api.socket.on('security.event', (e) => merge.pushed(e).forEach(print));
    merge.listed(await listAllEvents(api)).forEach(print);
    if (f.follow) await untilStopped(api);
    return 0;
  };
}
