import type { RoomStatus, RoomSummary } from '@sealroom/protocol';
import { visibleText } from './visible-text.ts';

/** HH:MM in local time. */
export function formatTime(ms: number): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return '--:--';
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/** Full local date and time, for tooltips. */
export function formatDateTime(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleString();
}

/** First 16 hex digits of a fingerprint in groups of four: enough to compare by eye, short enough to fit. */
export function shortFingerprint(fp: string | null): string {
  if (fp === null || fp === '') return '—';
  const hex = fp.replace(/[^0-9a-fA-F]/g, '').toLowerCase();
  const head = (hex === '' ? fp : hex).slice(0, 16);
  return head.match(/.{1,4}/g)?.join(' ') ?? head;
}

/** A room's name as the UI shows it: bidi, zero-width and control characters made visible (visible-text.ts). */
export function roomDisplayName(room: Pick<RoomSummary, 'name' | 'roomId'>): string {
  return room.name === null ? `Room ${room.roomId.slice(0, 8)}` : visibleText(room.name);
}

export function roomStatusLabel(status: RoomStatus): string | null {
  switch (status) {
    case 'active':
      return null;
    case 'held':
      return 'on hold';
    case 'left':
      return 'left';
    case 'removed':
      return 'removed';
    case 'out-of-sync':
      return 'out of sync';
  }
}

/** ISO string for <time dateTime>, or undefined for an unusable timestamp (toISOString would throw). */
export function isoTime(ms: number): string | undefined {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}
