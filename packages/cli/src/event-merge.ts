import type { SecurityEvent } from '@sealroom/protocol';

/**
 * `events --follow` subscribes before it lists, so an event can arrive both ways, and pushes can arrive
 * while the list is still on its way. This merges both into one stream in id order, each event once:
 * pushes are held back until the list is in, then only the ones the list did not already contain follow.
 */
export class EventMerge {
  private readonly seen = new Set<number>();
  private held: SecurityEvent[] | null = [];

  /** A pushed event; returns what to print now (nothing while the list is not in yet). */
  pushed(e: SecurityEvent): SecurityEvent[] {
    if (this.held !== null) {
      this.held.push(e);
      return [];
    }
    return this.fresh([e]);
  }

  /** The listed events (all pages); returns them, then any pushes held meanwhile that they did not contain. */
  listed(events: SecurityEvent[]): SecurityEvent[] {
    const held = this.held ?? [];
    this.held = null;
    return [...this.fresh(events), ...this.fresh([...held].sort((a, b) => a.id - b.id))];
  }

  private fresh(events: SecurityEvent[]): SecurityEvent[] {
    const out: SecurityEvent[] = [];
    for (const e of events) {
      if (this.seen.has(e.id)) continue;
      this.seen.add(e.id);
      out.push(e);
    }
    return out;
  }
}
